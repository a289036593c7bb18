"""Geometry of the server-rendered SVG charts (no chart library, no CDN).

The templates draw rectangles from these numbers; text stays in HTML so that
it is never stretched by the SVG's viewBox.
"""
from dataclasses import dataclass


@dataclass
class Segment:
    mood: str
    x: float
    y: float
    width: float
    height: float
    percent: int      # the colour is the mood's (mood-<key> in static/css/moods.css)


def share_bar(percentages, moods):
    """One horizontal bar 100 units wide: a segment per mood with a share."""
    segments, x = [], 0.0
    for mood in moods:
        width = percentages.get(mood, 0)
        if width:
            segments.append(Segment(mood, x, 0, width, 10, width))
            x += width
    return segments


@dataclass
class Column:
    day: object
    x: float
    total: int
    segments: list


COLUMN_WIDTH = 10
CHART_HEIGHT = 100


def daily_columns(series, moods, shares_of):
    """One stacked column per day (100 % high when anybody checked in), oldest left."""
    columns = []
    for index, (day, counts) in enumerate(series):
        percentages = shares_of(counts, moods)
        segments, y = [], CHART_HEIGHT
        for mood in moods:
            height = percentages[mood]
            if height:
                y -= height
                segments.append(Segment(mood, index * COLUMN_WIDTH + 1, y, COLUMN_WIDTH - 2,
                                        height, height))
        columns.append(Column(day, index * COLUMN_WIDTH, sum(counts.values()), segments))
    return columns
