"""The one exception type that reaches a person.

Everything the core rejects (an unknown model name, a hyperparameter out of range,
an unreadable file) raises ``WorkbenchError`` with a message written for the user.
The CLI prints it as one line on stderr; the GUI shows it in a dialog or status line.
Any other exception is a bug.
"""


class WorkbenchError(Exception):
    """A problem with the user's input, explained in one sentence."""
