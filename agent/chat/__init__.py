"""The advisor chat: requests in plain words, answers from the review and the tools."""
