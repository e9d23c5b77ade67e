"""The sharing pages: forms, presenters and views."""
