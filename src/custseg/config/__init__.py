"""The grading rules: the pydantic model, the condition language and the default rules."""
