"""Model-proposed fixes (`heal --scan --propose`): the provider client, the prompt with secrets
redacted, and the checks a patch passes in a scratch copy before a person sees it. Only
client.py needs the optional `openai` package (`pip install 'healers[llm]'`)."""
