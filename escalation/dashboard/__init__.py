"""The dashboard's reads: school and trust overviews, flag lists and the pupil record.

Selectors only. The overview and the flag lists read the engine's stored status
(`PupilStatus`, `PupilWeek`) with aggregate queries, so their query count does not grow
with the number of pupils; the pupil record reads one pupil's marks.
"""
