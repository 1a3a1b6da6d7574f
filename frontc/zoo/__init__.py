"""The model zoo: write-once version folders with a card and a sha256 manifest."""
