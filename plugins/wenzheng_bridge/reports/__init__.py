"""Department reports (通报): reply and 办结 figures per department and board for a month, quarter or year.

The layer reads the case view and is read by the site and the commands:

``period.parse(text) -> Period``
    "2019-11", "2019Q4" or "2019"; its bounds in Asia/Shanghai, Chinese name and slug.
``figures.report(cases, period, settings, now) -> Report``
    One pass over case views: the cases posted in the period, per department and per board
    (``Line``: the case view's ``Group`` plus overdue-still-open and 办结 counts), ranked with the
    case view's minimum sample and Wilson interval; ``partial`` says why the period is 不完整.
``tables.rows(report, dimension)``, ``tables.csv_bytes``, ``tables.xlsx_bytes``
    The report as a table: CSV (UTF-8 with BOM, for Excel) and XLSX whose bytes depend only on
    the report (fixed workbook properties and zip times).
``records.read_reports(settings)``
    The report records under ``content/reports/`` (one file per period) the site publishes.
"""
