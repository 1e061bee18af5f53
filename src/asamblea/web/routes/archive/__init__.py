"""The archive of testimonies on the web: the tus upload API (`uploads`)."""
