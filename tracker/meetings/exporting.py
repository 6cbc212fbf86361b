"""The meeting's files: the minutes (biên bản) as Word in the layout of Nghị định 30/2020
(PDF through LibreOffice when installed), and the agenda as a spreadsheet.

Both read the agenda the meeting page shows (frozen once the meeting is closed), so the
files say what the meeting saw. The minutes are an official text: written in Vietnamese.
"""

from __future__ import annotations

from decimal import Decimal

from tracker.core.documents import OfficialDocument, Signature, committee_header
from tracker.core.formatting import format_percent, status_labels
from tracker.core.spreadsheets import Column, SpreadsheetWriter
from tracker.meetings.models import Meeting, OfficerEvaluation


def rate_text(value: str | None) -> str:
    """A rate of the agenda ("26.7" or None) in Vietnamese style."""
    return format_percent(Decimal(value), "vi") if value is not None else "không phát sinh"


def meeting_subject(meeting: Meeting) -> str:
    return f"Họp giao ban công tác cải cách hành chính tháng {meeting.month} năm {meeting.year}"


def minutes_docx(meeting: Meeting, agenda: dict) -> bytes:
    unit = meeting.unit
    doc = OfficialDocument()
    doc.header(committee_header(unit.name, meeting.number or "      /BB-UBND", meeting.held_on))
    doc.title("Biên bản", meeting_subject(meeting))

    doc.heading("I. Thời gian, địa điểm, thành phần")
    when = f"{meeting.starts_at:%H} giờ {meeting.starts_at:%M}, " if meeting.starts_at else ""
    doc.paragraph(f"Thời gian: {when}ngày {meeting.held_on:%d/%m/%Y}.")
    if meeting.place:
        doc.paragraph(f"Địa điểm: {meeting.place}.")
    if meeting.chair:
        doc.paragraph(f"Chủ trì: {_who(meeting.chair)}.")
    if meeting.secretary:
        doc.paragraph(f"Thư ký: {_who(meeting.secretary)}.")
    present = [a for a in meeting.attendance if a.present]
    absent = [a for a in meeting.attendance if not a.present]
    doc.paragraph(f"Thành phần tham dự: {len(present)} người:")
    for row in present:
        doc.paragraph(f"- {_who(row.officer)};")
    if absent:
        doc.paragraph(f"Vắng: {len(absent)} người:")
        for row in absent:
            doc.paragraph(f"- {row.officer.full_name} (lý do: {row.absence_reason});")

    doc.heading("II. Nội dung")
    doc.paragraph(
        f"1. Kết quả thực hiện nhiệm vụ của từng cán bộ trong tháng "
        f"(số liệu đến ngày {agenda['as_of']}):"
    )
    grades = {e.officer_id: e for e in meeting.evaluations}
    rows = [["TT", "Cán bộ", "Đến hạn trong tháng", "Đúng hạn", "Trễ hạn", "Quá hạn", "Xếp loại"]]
    for number, section in enumerate(
        (s for s in agenda["officers"] if s["officer_id"] is not None), 1
    ):
        c = section["counts"]
        evaluation = grades.get(section["officer_id"])
        rows.append(
            [
                str(number),
                section["name"],
                str(c["due"]),
                str(c["on_time"]),
                str(c["late"]),
                str(c["overdue"]),
                evaluation_text(evaluation),
            ]
        )
    doc.table(rows, [10, 45, 22, 18, 18, 18, 34], right_columns=frozenset({2, 3, 4, 5}))
    doc.paragraph()
    previous = agenda.get("previous_as_of") or ""
    doc.paragraph("2. Tiến độ thực hiện các kế hoạch (lũy kế):")
    rows = [["Kế hoạch", "Hoàn thành", f"Tỷ lệ đến {agenda['as_of']}", "Kỳ họp trước"]]
    for plan in agenda["plans"]:
        rows.append(
            [
                plan["title"],
                f"{plan['done']}/{plan['total']}",
                rate_text(plan["rate"]),
                rate_text(plan["previous_rate"]) if previous else "—",
            ]
        )
    doc.table(rows, [85, 25, 28, 27], right_columns=frozenset({1, 2, 3}))
    doc.paragraph()
    items = list(meeting.items)
    if items:
        doc.paragraph("3. Các nội dung khác và ý kiến tại cuộc họp:")
        for item in items:
            doc.paragraph(f"- {item.text}")

    doc.heading("III. Kết luận")
    for evaluation in meeting.evaluations:
        text = f"- Đồng chí {evaluation.officer.full_name}: {evaluation_text(evaluation)}"
        if evaluation.comment:
            text += f". {evaluation.comment}"
        doc.paragraph(text + ".")
    for item in items:
        if item.decision:
            text = f"- {item.text}: {item.decision}"
            if item.new_deadline:
                text += f" (gia hạn đến ngày {item.new_deadline:%d/%m/%Y})"
            if item.resulting_task is not None:
                task = item.resulting_task
                lead = task.lead_officer.full_name if task.lead_officer else ""
                text += f" (giao {lead} thực hiện: {task.title}, hạn {task.deadline:%d/%m/%Y})"
            doc.paragraph(text + ".")
    if meeting.conclusions:
        for line in meeting.conclusions.splitlines():
            if line.strip():
                doc.paragraph(line.strip())
    doc.paragraph("Biên bản được lập và thông qua tại cuộc họp.", italic=True)
    doc.signatures(
        Signature(name=meeting.secretary.full_name if meeting.secretary else "", position="THƯ KÝ"),
        Signature(name=meeting.chair.full_name if meeting.chair else "", position="CHỦ TRÌ"),
    )
    return doc.to_bytes()


def evaluation_text(evaluation: OfficerEvaluation | None) -> str:
    """An officer's line of the minutes: the grade, "Không đánh giá: <reason>", or (only in
    the draft of a meeting still open) "Chưa đánh giá"; never blank."""
    if evaluation is None:
        return "Chưa đánh giá"
    if evaluation.grade is None:
        return f"Không đánh giá: {evaluation.reason}"
    return evaluation.grade.name


def _who(officer) -> str:
    return f"{officer.full_name} – {officer.position}" if officer.position else officer.full_name


def agenda_xlsx(meeting: Meeting, agenda: dict) -> bytes:
    """The agenda, one row per task line of each officer's section."""
    writer = SpreadsheetWriter()
    columns = [Column(28), Column(24), Column(60), Column(13, align="center"),
               Column(15, align="center"), Column(26)]
    sheet = writer.sheet(f"Giao ban {meeting.month:02d}-{meeting.year}", columns)
    sheet.title(f"{meeting_subject(meeting)} – {meeting.unit.name}", size=13, bold=True)
    sheet.title(f"Số liệu đến ngày {agenda['as_of']}", italic=True)
    sheet.blank()
    sheet.header(["Cán bộ", "Mục", "Nhiệm vụ", "Thời hạn", "Ngày hoàn thành", "Tình trạng"])
    sections = (
        ("due", "Đến hạn trong tháng"),
        ("carried", "Quá hạn từ các tháng trước"),
        ("pending", "Chờ xác nhận hoàn thành"),
    )
    labels = status_labels("vi")
    for section in agenda["officers"]:
        name = section["name"] or "Chưa có người chủ trì"
        for key, label in sections:
            for line in section[key]:
                sheet.row(
                    [
                        name,
                        label,
                        line["title"],
                        line["deadline"],
                        line["completed_on"],
                        labels.get(line["status"] or "", ""),
                    ]
                )
        for line in section["explanations"]:
            sheet.row(
                [
                    name,
                    "Giải trình",
                    line["title"],
                    line["deadline"],
                    "",
                    line["reason"] or "Chưa giải trình",
                ]
            )
    sheet.finish()
    plans = writer.sheet(
        "Kế hoạch", [Column(60), Column(12), Column(12), Column(14), Column(16)]
    )
    plans.header(["Kế hoạch", "Hoàn thành", "Tổng số", "Tỷ lệ", "Kỳ họp trước"])
    for plan in agenda["plans"]:
        plans.row(
            [
                plan["title"],
                plan["done"],
                plan["total"],
                rate_text(plan["rate"]),
                rate_text(plan["previous_rate"]) if agenda.get("previous_as_of") else "",
            ]
        )
    plans.finish()
    return writer.to_bytes()


def evaluations_xlsx(unit_name: str, year: int, rows: list, grades: list) -> bytes:
    """The officer × month table of a year, with how many months each grade was given: what
    the year-end evaluation starts from."""
    writer = SpreadsheetWriter()
    columns = [Column(28), Column(28), *([Column(16)] * 12), *([Column(14)] * len(grades))]
    sheet = writer.sheet(f"Đánh giá {year}", columns)
    sheet.title(f"Kết quả đánh giá cán bộ hằng tháng năm {year} – {unit_name}", size=13, bold=True)
    sheet.blank()
    sheet.header(["Cán bộ", "Chức vụ", *(f"Tháng {m}" for m in range(1, 13)),
                  *(g.name for g in grades)])
    for row in rows:
        given = [row.months.get(m) for m in range(1, 13)]
        counts = [sum(1 for e in given if e is not None and e.grade_id == g.id) for g in grades]
        sheet.row(
            [
                row.officer.full_name,
                row.officer.position or "",
                *(evaluation_text(e) if e is not None else "" for e in given),
                *counts,
            ]
        )
    sheet.finish()
    return writer.to_bytes()
