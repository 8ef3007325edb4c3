"""What a run writes besides the clean text: the diff log."""
