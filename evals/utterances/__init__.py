"""Labelled customer turns from real persuasion chats: references only, text read from ../shared."""
