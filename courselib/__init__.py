"""Helpers the course's lessons and exercises use: local stand-ins for the services an AI product
talks to (an HTTP API, a chat model), so that every lesson and check runs offline, and
`courselib.llm`, the one way lessons reach a model (the stand-in, or a real one: see
docs/use-a-real-model.md)."""
