"""The assessment and Child's Plan pages: forms, presenters and views."""
