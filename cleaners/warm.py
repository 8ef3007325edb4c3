"""Imported once by `clean_many`'s forkserver, before it forks any worker: the shipped
phrase book is compiled and the language profiles are loaded here, and every worker
starts with them (forked) rather than spending a second or two building its own."""

from .config import Config, phrase_book
from .pipeline import clean

phrase_book(Config())
clean("The language detector loads its profiles the first time it is used.\n")
