"""The cleaners: each step finds spans with reasons; one shared step applies them."""
