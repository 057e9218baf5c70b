"""The dashboard's views: overview, flag lists, the pupil page and decisions."""
