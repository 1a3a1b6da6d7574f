"""The checklist a model goes through before it enters the model zoo: a declared plan of steps."""
