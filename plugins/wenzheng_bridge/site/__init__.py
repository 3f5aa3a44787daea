"""The reader site: a Pelican Generator rendering cases, indexes, scorecards, stats, feeds, exports."""
