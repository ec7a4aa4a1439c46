"""Render the lab's results: the text table, report.md / faults.md, the fault matrix, index.html, the timelines.

Every figure and every judgement comes from the result files verify.yml writes (its session_verdict filter);
nothing here re-derives a verdict. One module per output: table (the text table make lab prints), markdown
(report.md or faults.md, its JSON and the timeline files), matrix (the fault matrix), page (index.html) and
timeline (one SVG per run); rows flattens a result into the row they all read.
"""

from lab.report.markdown import write_report
from lab.report.matrix import matrix_markdown, matrix_text
from lab.report.page import write_index
from lab.report.rows import row
from lab.report.table import text_table
from lab.report.timeline import timeline_svg

__all__ = ["matrix_markdown", "matrix_text", "row", "text_table", "timeline_svg", "write_index", "write_report"]
