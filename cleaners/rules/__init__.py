"""Phrase rules: the engine (`engine`), loading and compiling rule files (`book`), and the data (`phrases/`)."""
