// Starts rasa-webchat (served as webchat.js) in the page, talking socket.io to the server it came from.
let webchat = null;
WebChat.default({
  innerRef: (widget) => { webchat = widget; },
  socketUrl: window.location.origin,
  socketPath: "/socket.io/",
  initPayload: "/greet",
  inputTextFieldHint: "Ask about MOQ, lead times, IP…",
  embedded: true,
  withRules: false,
  hideWhenNotConnected: false,
  // Show replies at once: a reply still waiting for its typing delay would be lost on a reload.
  customMessageDelay: () => 0,
  params: { storage: "local" },
}, document.getElementById("chat-widget"));

// The "Delete my data" menu item asks through the chat, like typing it: the assistant asks to confirm.
document.getElementById("delete-my-data").addEventListener("click", () => {
  if (webchat) webchat.sendMessage("delete my data", "Delete my data");
});
