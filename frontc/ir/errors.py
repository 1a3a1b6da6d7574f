"""The exceptions users can cause. The CLI prints them on one line and exits with status 2."""
from __future__ import annotations


class FrontcError(Exception):
    """Base of every error a user can cause: a bad file, node, option or model.

    The message names the place (file, node, option) and says what to do about it.
    """

    def __init__(self, message: str, *, path: str | None = None, node: str | None = None,
                 hint: str | None = None) -> None:
        self.message = message
        self.path = path
        self.node = node
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.path:
            where.append(str(self.path))
        if self.node:
            where.append(f"node '{self.node}'")
        text = ": ".join(where + [self.message]) if where else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class FrontcNote(UserWarning):
    """Not an error: a choice frontc made for the user (a default filled in); the CLI prints it as a note."""


class IRFormatError(FrontcError):
    """A graph JSON or params NPZ file that is missing, corrupted or of an unknown version."""


class GraphError(FrontcError):
    """A graph that breaks an IR rule: order, names, dangling inputs, schemas, params."""


class ShapeError(GraphError):
    """Shapes or dtypes that an op cannot accept."""


class UnsupportedOpError(FrontcError):
    """A source model uses ops that no converter (or kernel) handles."""


class ModelLoadError(FrontcError):
    """A source model file or object that cannot be read."""


class OptionError(FrontcError):
    """A bad command-line option, feed or configuration value."""


class OutputError(OptionError):
    """An output that cannot be written: it exists (without --force), its folder is not writable, the disk is full."""


class ExecutionError(FrontcError):
    """A kernel failed while executing a node."""
