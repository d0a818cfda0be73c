"""HTML blueprints: parse the form, call one service, render."""
