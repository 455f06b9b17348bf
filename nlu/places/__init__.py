"""Places: the offline Belize gazetteer and geocoder."""
