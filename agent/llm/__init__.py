"""Language-model wiring: the LLM chooses what to look at and explains; tools compute."""
