"""Which language a document is in: a seeded langdetect, and a faster detector with its answers."""
