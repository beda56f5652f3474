"""The grading itself, without I/O: lines, values, money, metrics, scores, classes, geography, comparison."""
