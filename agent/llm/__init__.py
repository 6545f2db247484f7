"""Language-model wiring: the LLM chooses what to look at and explains; tools compute.

- ``settings``: endpoint, model, timeouts, retries and the per-run budget, from the environment;
- ``client``: ``LLMClient`` (retries with backoff, budget, exchanges kept for the evidence),
  ``LLMUnavailable`` when the model cannot answer;
- ``tools``: the deterministic capabilities as LangChain tools (``PortfolioTools``);
- ``planner``: ``LLMPlanner``, the bounded tool-calling loop behind the ``reason`` node;
- ``directed``: trades the planner asks for, handed to evaluate's checks;
- ``narrative``: ``LLMNarrator``, the rationale whose every number is checked;
- ``guardrails``: data is quoted, never obeyed;
- ``focus`` and ``whatif``: "harvest only", "without touching energy", "if we exclude tobacco";
- ``review``: ``review_runner``, a ``ReviewRunner`` with all of the above when a model is set.
"""
