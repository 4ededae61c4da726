// Starts rasa-webchat (served as webchat.js) in the page, talking socket.io to the server it came from.
WebChat.default({
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
