"""The benchmark's conversation mix: what buyers really send, 20 turns a conversation.

Every conversation asks factual questions with follow-ups, then runs the whole recommendation
questionnaire and its why/summary turns, so each one exercises the NLU, the policies, the form and
the action server. The five variants differ in wording and buyer profile.
"""

from __future__ import annotations

FACTUAL = [
    [
        "What MOQ should I expect from an ODM supplier?",
        "and OEM?",
        "How long does ODM take?",
        "and for OEM?",
        "Who owns the design with ODM?",
        "what does OEM mean",
        "Which is cheaper to start with?",
    ],
    [
        "hi",
        "How many months does an OEM project usually take?",
        "and odm?",
        "which is riskier",
        "Do I keep the intellectual property if I go OEM?",
        "compare oem and odm",
        "can I order just 100 pieces?",
    ],
    [
        "what is an ODM?",
        "whats the moq for odm",
        "and the other one?",
        "how customizable is odm",
        "is 6 weeks enough",
        "which is faster",
        "unit cost for oem",
    ],
    [
        "hello",
        "what is the minimum order quantity for OEM",
        "what about lead time",
        "and for odm",
        "what is odm best for",
        "show me the full comparison",
        "what's the downside of ODM",
    ],
    [
        "what can you do?",
        "lead time for odm",
        "and oem?",
        "can I get 300 toys made",
        "who owns the IP with OEM",
        "what is oem",
        "is odm cheaper than oem",
    ],
]

RECOMMENDATION = [
    [
        "Should I use OEM or ODM?",
        "no design yet",
        "not important",
        "about 200",
        "in 4 weeks",
        "tight",
        "a new small business",
        "why?",
        "give me a summary",
        "thanks",
        "start over",
        "bye",
        "hi",
    ],
    [
        "I'd like a recommendation for our new toy line",
        "yes, complete designs from our studio",
        "crucial, it's our own character",
        "5000 units",
        "half a year",
        "healthy",
        "established brand",
        "why?",
        "what if I ordered 300 units",
        "summary please",
        "thank you",
        "restart",
        "bye",
    ],
    [
        "help me choose",
        "we have our own design",
        "IP matters a lot to us",
        "around 2000 pcs",
        "in six months",
        "comfortable",
        "we're an established brand",
        "why not odm",
        "recap",
        "thanks a lot",
        "start over",
        "goodbye",
        "hello",
    ],
    [
        "which model should I go with",
        "not sure",
        "not important",
        "300 units",
        "by next spring",
        "budget is limited",
        "we are a startup",
        "why",
        "what if we had a bigger budget",
        "summary",
        "thx",
        "reset",
        "bye",
    ],
    [
        "OEM or ODM for me?",
        "no",
        "I don't care about owning the design",
        "150 plushies",
        "in 6 weeks",
        "our budget is tight",
        "I run a small etsy shop",
        "explain your reasoning",
        "summarize my decision",
        "perfect, thank you",
        "start from scratch",
        "ok bye",
        "hey",
    ],
]

TURNS_PER_CONVERSATION = 20


def conversation(index: int) -> list[str]:
    """The index-th conversation of the mix (they cycle through the five variants)."""
    turns = FACTUAL[index % len(FACTUAL)] + RECOMMENDATION[index % len(RECOMMENDATION)]
    assert len(turns) == TURNS_PER_CONVERSATION
    return turns
