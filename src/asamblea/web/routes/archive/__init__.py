"""The archive of testimonies on the web: the JSON API (`api`: resumable uploads over tus 1.0)."""
