"""Phrase rules: the engine (`engine`), the rule files' loader and compiler (`book`), the [trailer]
terms (`terms`), and the data (`phrases/*.toml`)."""
