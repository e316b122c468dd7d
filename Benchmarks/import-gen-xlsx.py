#!/usr/bin/env python3
"""Turns a CSV export (Benchmarks/import-gen.py's) into an XLSX workbook as Excel writes one: text in
the shared-strings part, `received_at` as date serials in a date format, the parts deflated, written
as a stream (the worksheet is never held whole), so the import benchmark can read a 1,000,000-row
workbook. No real data: only what the CSV holds.

    python3 Benchmarks/import-gen-xlsx.py hotline.csv hotline.xlsx
"""
import csv
import datetime
import sys
import zipfile
from xml.sax.saxutils import escape

source, target = sys.argv[1], sys.argv[2]
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
EPOCH = datetime.datetime(1899, 12, 30)


def column(index):
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


strings = {}
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
    with open(source, encoding="utf-8", newline="") as file, archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
        sheet.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{NS}"><sheetData>'.encode())
        reader = csv.reader(file)
        header = next(reader)
        dates = {i for i, name in enumerate(header) if name == "received_at"}
        def write(number, row, header_row=False):
            cells = []
            for i, value in enumerate(row):
                if value == "":
                    continue
                ref = f"{column(i)}{number}"
                if i in dates and not header_row:
                    try:
                        moment = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
                        serial = (moment - EPOCH).total_seconds() / 86400
                        cells.append(f'<c r="{ref}" s="1"><v>{serial!r}</v></c>')
                        continue
                    except ValueError:
                        pass
                index = strings.setdefault(value, len(strings))
                cells.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
            sheet.write(f'<row r="{number}">{"".join(cells)}</row>'.encode())
        write(1, header, header_row=True)
        for number, row in enumerate(reader, start=2):
            write(number, row)
        sheet.write(b"</sheetData></worksheet>")
    with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
        part.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{NS}" uniqueCount="{len(strings)}">'.encode())
        for value in strings:
            part.write(f'<si><t xml:space="preserve">{escape(value)}</t></si>'.encode())
        part.write(b"</sst>")
    archive.writestr("xl/styles.xml", f'<styleSheet xmlns="{NS}"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="22" applyNumberFormat="1"/></cellXfs></styleSheet>')
    archive.writestr("xl/workbook.xml", f'<workbook xmlns="{NS}" xmlns:r="{REL}"><sheets><sheet name="工单" sheetId="1" r:id="rId1"/></sheets></workbook>')
    archive.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/></Relationships>')
    archive.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                      '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')
    archive.writestr("_rels/.rels", f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
