"""The message catalogue: every text a user reads, in Vietnamese and English.

Codes are kebab-case and stable (they are part of the JSON contract); templates
use ``{name}`` placeholders filled from the finding's values. Numbers are shown
the Vietnamese way (1.859 and 75,86) when the language is ``vi``.
"""

from __future__ import annotations

import string
from typing import Any, Mapping, Optional

from .lang import LANGS, get_lang, set_lang  # noqa: F401 (the catalogue's users take them from here)


# code -> (Vietnamese, English)
CATALOG: dict[str, tuple[str, str]] = {
    # --- spec loading and checking ---------------------------------------------
    "spec-not-found": (
        "Không tìm thấy bộ chỉ tiêu '{spec}'. Các bộ có sẵn: {available}. (Tệp bộ chỉ tiêu viết như đường dẫn: ./{spec}.yaml)",
        "Spec '{spec}' not found. Available: {available}. (A spec file is written as a path: ./{spec}.yaml)",
    ),
    "spec-cache-ignored": (
        "Bỏ qua bộ nhớ đệm bộ chỉ tiêu ({path}): {error}",
        "Spec cache ignored ({path}): {error}",
    ),
    "unit-cache-ignored": (
        "Bỏ qua bộ nhớ đệm kết quả từng đơn vị ({path}): {error}",
        "Unit-result cache ignored ({path}): {error}",
    ),
    "spec-file-missing": ("Không đọc được tệp bộ chỉ tiêu: {error}", "Cannot read the spec file: {error}"),
    "spec-yaml-invalid": ("YAML không hợp lệ: {error}", "Invalid YAML: {error}"),
    "spec-not-a-spec": (
        "không phải tệp bộ chỉ tiêu (không có dòng 'id:' hay 'extends:' ở đầu dòng); nội dung tệp không được hiển thị.",
        "not a spec file (no top-level 'id:' or 'extends:' line); none of its content is shown.",
    ),
    "spec-yaml-too-large": (
        "Tệp YAML quá lớn hoặc lồng nhau quá sâu ({what}); tệp bị từ chối.",
        "YAML file too large or nested too deep ({what}); refused.",
    ),
    "spec-schema": ("{error}", "{error}"),
    "spec-duplicate-id": (
        "Mã chỉ tiêu '{id}' bị trùng (đã dùng tại {first}).",
        "Duplicate indicator id '{id}' (first used at {first}).",
    ),
    "spec-duplicate-stt": (
        "STT '{stt}' bị trùng trong biểu '{form}' (chỉ tiêu '{id}' và '{other}', cùng cấp {levels}).",
        "Duplicate STT '{stt}' in form '{form}' ('{id}' and '{other}', both at level {levels}).",
    ),
    "spec-unknown-reference": (
        "Biểu thức tham chiếu chỉ tiêu không tồn tại '{ref}'.",
        "Expression refers to unknown indicator '{ref}'.",
    ),
    "spec-unknown-level": ("Cấp '{level}' không được khai báo trong 'levels'.", "Level '{level}' is not declared in 'levels'."),
    "spec-unknown-choices": (
        "Bộ mã trả lời '{choices}' không được khai báo trong 'choices'.",
        "Choice set '{choices}' is not declared in 'choices'.",
    ),
    "spec-cycle": ("Công thức tạo vòng lặp: {cycle}.", "Formulas form a cycle: {cycle}."),
    "spec-type-mismatch": ("{detail}", "{detail}"),
    "spec-expression": ("Biểu thức sai: {detail}", "Bad expression: {detail}"),
    "spec-group-reference": (
        "Biểu thức dùng chỉ tiêu '{ref}' là dòng tiêu đề (group), không có số liệu.",
        "Expression uses '{ref}', a heading row (group) with no value.",
    ),
    "spec-duplicate-rule": ("Mã quy tắc '{id}' bị trùng.", "Duplicate rule id '{id}'."),
    "spec-duplicate-choice": (
        "Mã trả lời {code} bị trùng trong bộ '{choices}'.",
        "Duplicate code {code} in choice set '{choices}'.",
    ),
    "spec-message-placeholder": (
        "Thông báo của quy tắc '{rule}' dùng '{{{name}}}' không phải chỉ tiêu của biểu thức.",
        "Message of rule '{rule}' uses '{{{name}}}', which is not an operand of its expression.",
    ),
    "spec-duplicate": (
        "Bộ chỉ tiêu '{id}' được đăng ký hai lần: bởi '{first}' và '{second}'.",
        "Spec '{id}' registered twice: by '{first}' and by '{second}'.",
    ),
    "spec-aggregate": ("{detail}", "{detail}"),
    # --- maintainers ----------------------------------------------------------
    "spec-extends-not-found": (
        "Không tìm thấy bộ chỉ tiêu cha '{spec}' (extends): không có tệp hay mã bộ chỉ tiêu nào như vậy.",
        "Parent spec '{spec}' (extends) not found: no such file or spec id.",
    ),
    "spec-extends-outside": (
        "Bộ chỉ tiêu cha '{spec}' (extends) nằm ngoài thư mục của bộ chỉ tiêu này và ngoài đường tìm bộ chỉ tiêu; "
        "hãy ghi mã bộ chỉ tiêu hoặc đường dẫn tới một tệp .yaml trong cùng thư mục.",
        "Parent spec '{spec}' (extends) is outside this spec's directory and the spec search path; "
        "give a spec id or the path of a .yaml file in the same directory tree.",
    ),
    "spec-id-clash": (
        "Hai tệp cùng khai báo mã bộ chỉ tiêu '{id}': {first} ({first_origin}) và {second} ({second_origin}); "
        "đổi 'id' của một tệp.",
        "Two files declare the spec id '{id}': {first} ({first_origin}) and {second} ({second_origin}); "
        "change the 'id' of one.",
    ),
    "spec-children-total": (
        "Chỉ tiêu '{id}' khai báo children_total: {detail}.",
        "Indicator '{id}' declares children_total: {detail}.",
    ),
    "spec-note-of": (
        "Chỉ tiêu '{id}' đọc số liệu từ Ghi chú của '{ref}' (note_of): {detail}.",
        "Indicator '{id}' reads its figure from the Ghi chú of '{ref}' (note_of): {detail}.",
    ),
    "spec-detail-total-type": ("chỉ tiêu kiểu {type} không so được với tổng các dòng con", "a {type} indicator cannot be compared with the sum of its rows"),
    "spec-detail-total-no-rows": ("không có dòng con kiểu count/number nào để cộng", "it has no count/number child rows to add up"),
    "spec-detail-note-of-unprinted": ("dòng đó không được in (row: none)", "that row is not printed (row: none)"),
    "spec-count-answers": (
        "Chỉ tiêu '{id}' đọc số đếm thành câu trả lời (count_answers) nhưng bộ mã '{choices}' không có cả mã 0 và mã 1.",
        "Indicator '{id}' reads a count as an answer (count_answers) but the choice set '{choices}' lacks code 0 or code 1.",
    ),
    "spec-detail-marker-empty": ("dấu mở phần không được để trống", "a section marker cannot be empty"),
    "spec-detail-marker-taken": ("biểu '{other}' đã dùng dấu '{marker}'", "form '{other}' already uses the marker '{marker}'"),
    "spec-form-marker": ("Biểu '{form}', dấu mở phần (marker): {detail}.", "Form '{form}', section marker: {detail}."),
    "children-total-mismatch": (
        "{name}: số liệu {total} khác tổng các dòng con {sum} ({parts}).",
        "{name}: the value {total} differs from the sum of its rows {sum} ({parts}).",
    ),
    "children-total-exceeded": (
        "{name}: tổng các dòng 'Trong đó' {sum} ({parts}) lớn hơn số liệu {total}.",
        "{name}: its 'of which' rows add up to {sum} ({parts}), more than its value {total}.",
    ),
    "lint-rule-on-compiled-count": (
        "Quy tắc '{rule}' đọc '{ref}'; khi tổng hợp ('{method}') câu trả lời này thành số đơn vị trả lời như vậy, "
        "không còn là một câu trả lời, nên quy tắc bị bỏ qua trên mọi bản tổng hợp; "
        "ghi 'applies_to: report' nếu quy tắc chỉ dành cho từng báo cáo.",
        "Rule '{rule}' reads '{ref}'; compiled ('{method}') that answer becomes the number of units giving it, "
        "not an answer, so the rule is skipped on every compilation; "
        "write 'applies_to: report' if the rule is for single reports only.",
    ),
    "lint-rule-on-uncompiled": (
        "Quy tắc '{rule}' đọc '{ref}', chỉ tiêu không được tổng hợp (aggregate: none), nên quy tắc bị bỏ qua "
        "trên mọi bản tổng hợp; ghi 'applies_to: report' nếu quy tắc chỉ dành cho từng báo cáo.",
        "Rule '{rule}' reads '{ref}', which is not compiled (aggregate: none), so the rule is skipped on every "
        "compilation; write 'applies_to: report' if the rule is for single reports only.",
    ),
    "show-not-printed": ("không in", "not printed"),
    "show-note-of": ("Ghi chú của {ref}", "in the Ghi chú of {ref}"),
    "show-total-equal": ("= tổng dòng con", "= sum of its rows"),
    "show-total-at-most": ("≥ tổng dòng con", "≥ sum of its rows"),
    "show-item": ("dòng thường", "plain row"),
    "show-breakdown": ("Trong đó", "of which"),
    "show-stt-repeats": ("STT in lặp", "printed STT repeats"),
    "show-meant-unit": ("{printed} (nghĩa là {meant})", "{printed} (meaning {meant})"),
    "show-scope-all": ("báo cáo và tổng hợp", "reports and compilations"),
    "show-scope-report": ("chỉ từng báo cáo", "single reports only"),
    "show-scope-compilation": ("chỉ tổng hợp", "compilations only"),
    "spec-extends-cycle": ("Kế thừa vòng tròn (extends): {cycle}.", "Circular inheritance (extends): {cycle}."),
    "spec-inherit-unknown-id": (
        "Thao tác '{op}': bộ chỉ tiêu cha không có chỉ tiêu hay biểu mẫu '{id}'.",
        "Operation '{op}': the parent spec has no indicator or form '{id}'.",
    ),
    "spec-inherit-unknown-rule": (
        "Thao tác '{op}' trên quy tắc: bộ chỉ tiêu cha không có quy tắc '{id}'.",
        "Operation '{op}' on rules: the parent spec has no rule '{id}'.",
    ),
    "spec-inherit-unknown-stt": (
        "renumber: không có chỉ tiêu kế thừa nào có STT '{stt}' hoặc bắt đầu bằng '{stt}.'.",
        "renumber: no inherited indicator has STT '{stt}' or one starting with '{stt}.'.",
    ),
    "spec-inherit-position": (
        "Thao tác '{op}' cần đúng một vị trí trong: {keys}.",
        "Operation '{op}' needs exactly one position among: {keys}.",
    ),
    "spec-inherit-move-into-self": (
        "Không thể chuyển chỉ tiêu '{id}' vào trong chính nó.",
        "Cannot move indicator '{id}' inside itself.",
    ),
    "spec-inherit-duplicate-id": (
        "Thao tác 'add': mã chỉ tiêu '{id}' đã có trong bộ chỉ tiêu cha (dùng 'replace' để sửa).",
        "Operation 'add': indicator id '{id}' already exists in the parent spec (use 'replace' to change it).",
    ),
    "spec-inherit-duplicate-rule": (
        "rules.add: mã quy tắc '{id}' đã có trong bộ chỉ tiêu cha (dùng rules.replace để sửa).",
        "rules.add: rule id '{id}' already exists in the parent spec (use rules.replace).",
    ),
    "lint-breakdown-without-sum": (
        "Chỉ tiêu '{id}' có dòng \"Trong đó\" ({children}) nhưng không có công thức hay quy tắc nào so với tổng.",
        "Indicator '{id}' has a \"Trong đó\" breakdown ({children}) but no formula or rule relates it to the total.",
    ),
    "lint-ratio-without-formula": (
        "Tỷ lệ '{id}' không có công thức nhưng có dòng tử số/mẫu số ({children}); hãy thêm formula: ratio(…, …).",
        "Ratio '{id}' has no formula but has numerator/denominator rows ({children}); add formula: ratio(…, …).",
    ),
    "lint-unused-choices": (
        "Bộ mã trả lời '{choices}' không được chỉ tiêu nào dùng.",
        "Choice set '{choices}' is not used by any indicator.",
    ),
    "lint-spelling-changed": (
        "Tên chỉ tiêu '{id}' chỉ khác năm trước ('{previous}' trong {old_spec}) về chính tả/dấu: '{old}' → '{new}'.",
        "Indicator '{id}' differs from last year's ('{previous}' in {old_spec}) only in spelling: '{old}' → '{new}'.",
    ),
    "lint-previous-unknown": (
        "previous: '{previous}' không có trong bộ chỉ tiêu năm trước {old_spec}.",
        "previous: '{previous}' is not in the previous spec {old_spec}.",
    ),
    "spec-row-none-without-source": (
        "Chỉ tiêu '{id}' không có dòng in (row: none) nhưng cũng không có formula hay note_of: không biểu mẫu Excel/Word "
        "nào điền được nó, nên nó luôn trống (chỉ tệp JSON/YAML/CSV ghi theo mã mới có). Thêm formula hoặc note_of, "
        "hoặc bỏ row: none để in dòng này.",
        "Indicator '{id}' has no printed row (row: none) and neither a formula nor note_of: no Excel/Word form can "
        "fill it, so it is always missing (only a JSON/YAML/CSV input naming its id can). Add a formula or note_of, "
        "or drop row: none to print the row.",
    ),
    "spec-check-ok": (
        "Bộ chỉ tiêu '{spec}' hợp lệ: {forms} biểu, {rows} dòng chỉ tiêu ({indicators} có số liệu), {formulas} công thức, {rules} quy tắc.",
        "Spec '{spec}' is sound: {forms} forms, {rows} indicator rows ({indicators} with a value), {formulas} formulas, {rules} rules.",
    ),
    "specs-col-id": ("Mã", "Id"),
    "specs-col-year": ("Năm", "Year"),
    "specs-col-title": ("Tên", "Title"),
    "specs-col-rows": ("Dòng chỉ tiêu", "Indicator rows"),
    "specs-col-indicators": ("Có số liệu", "With a value"),
    "specs-col-levels": ("Cấp", "Levels"),
    "specs-col-plugin": ("Plugin", "Plugin"),
    "specs-col-origin": ("Nguồn", "Origin"),
    "specs-col-path": ("Tệp", "File"),
    "template-auto": ("Tự động tính", "Computed automatically"),
    "template-note-figure": ("Ghi ở đây: {name} ({unit})", "Write here: {name} ({unit})"),
    "template-unit-line": (
        "Đơn vị báo cáo: ........................................  Kỳ báo cáo: ....................",
        "Reporting unit: ........................................  Period: ....................",
    ),
    "template-invalid-title": ("Giá trị không hợp lệ", "Invalid value"),
    # A data validation is shared by every cell of the same kind, so its text names the kind, not a row.
    "template-invalid-count": ("Hãy nhập một số nguyên, từ {min} trở lên.", "Enter a whole number, {min} or more."),
    "template-invalid-count-range": ("Hãy nhập một số nguyên từ {min} đến {max}.", "Enter a whole number from {min} to {max}."),
    "template-invalid-percent": ("Hãy nhập tỷ lệ phần trăm từ {min} đến {max} (không ghi dấu %).", "Enter a percentage from {min} to {max} (without the % sign)."),
    "template-invalid-number": ("Hãy nhập một số.", "Enter a number."),
    "template-invalid-number-range": ("Hãy nhập một số từ {min} đến {max}.", "Enter a number from {min} to {max}."),
    "template-invalid-choice": ("Hãy chọn một giá trị trong danh sách: {choices}.", "Choose a value from the list: {choices}."),
    "template-invalid-text": ("Tối đa {max} ký tự.", "At most {max} characters."),
    "template-written": (
        "Đã ghi {file}: {forms} biểu, {rows} dòng, {inputs} ô nhập liệu ({level}).",
        "Wrote {file}: {forms} forms, {rows} rows, {inputs} input cells ({level}).",
    ),
    "diff-added": ("mới", "added"),
    "diff-removed": ("bỏ", "removed"),
    "diff-renamed": ("đổi tên", "renamed"),
    "diff-renumbered": ("đổi STT", "renumbered"),
    "diff-moved": ("chuyển biểu", "moved to another form"),
    "diff-unit": ("đổi đơn vị tính", "unit changed"),
    "diff-type": ("đổi kiểu", "type changed"),
    "diff-levels": ("đổi cấp báo cáo", "levels changed"),
    "diff-formula": ("đổi công thức", "formula changed"),
    "diff-guess": ("đoán theo tên, độ giống {score}", "guessed by name, similarity {score}"),
    "compare-only-old": ("chỉ có ở {spec}", "only in {spec}"),
    "compare-only-new": ("chỉ có ở {spec}", "only in {spec}"),
    "compare-summary": (
        "{old} → {new}: {shared} chung, {only_old} chỉ có ở {old}, {only_new} chỉ có ở {new}.",
        "{old} → {new}: {shared} shared, {only_old} only in {old}, {only_new} only in {new}.",
    ),
    "compare-level-mismatch": (
        "Không so sánh được: '{old}' là báo cáo {old_level}, '{new}' là báo cáo {new_level}. Hai báo cáo phải cùng cấp (dùng --level nếu tiêu đề đoán sai).",
        "Cannot compare: '{old}' is a {old_level} report, '{new}' a {new_level} report. Both must be of the same level (give --level if a title misleads).",
    ),
    "compare-unit-mismatch": (
        "Không so sánh được: '{old}' là báo cáo của {old_unit}, '{new}' của {new_unit}. Hai báo cáo phải của cùng một đơn vị (dùng --unit nếu tiêu đề ghi sai).",
        "Cannot compare: '{old}' reports {old_unit}, '{new}' reports {new_unit}. Both must be the same unit's (give --unit if a title is wrong).",
    ),
    # --- values ---------------------------------------------------------------
    "invalid-number": (
        "Giá trị '{raw}' không phải là số hợp lệ cho chỉ tiêu kiểu {type}.",
        "Value '{raw}' is not a valid number for a {type} indicator.",
    ),
    "fraction-in-count": (
        "Giá trị '{raw}' là một phân số; chỉ tiêu này cần một số đếm. Hãy ghi tử số và mẫu số vào các dòng chi tiết.",
        "Value '{raw}' is a fraction; this indicator needs a count. Put numerator and denominator in their own rows.",
    ),
    "not-integer": (
        "Giá trị '{raw}' không phải số nguyên; chỉ tiêu đếm cần số nguyên không âm.",
        "Value '{raw}' is not a whole number; a count must be a non-negative integer.",
    ),
    "negative-value": ("Giá trị '{raw}' âm; chỉ tiêu này không nhận số âm.", "Value '{raw}' is negative; not allowed here."),
    "percent-out-of-range": (
        "Tỷ lệ '{raw}' nằm ngoài khoảng 0–100%.",
        "Percentage '{raw}' is outside 0–100%.",
    ),
    "out-of-range": (
        "Giá trị {value} nằm ngoài khoảng cho phép [{min}; {max}].",
        "Value {value} is outside the allowed range [{min}; {max}].",
    ),
    "percent-in-count": (
        "Giá trị '{raw}' là tỷ lệ phần trăm nhưng chỉ tiêu có đơn vị '{unit}'.",
        "Value '{raw}' is a percentage but the indicator's unit is '{unit}'.",
    ),
    "unknown-choice": (
        "Câu trả lời '{raw}' không thuộc bộ mã: {allowed}.",
        "Answer '{raw}' is not one of: {allowed}.",
    ),
    "legacy-font": (
        "Tệp dùng phông {font} (chữ Việt kiểu cũ, không phải Unicode), ví dụ '{sample}'; tên chỉ tiêu không đọc được. "
        "Hãy chuyển mã sang Unicode (Unikey: Công cụ chuyển mã, {font} → Unicode) rồi đọc lại.",
        "The file uses the {font} font (legacy Vietnamese, not Unicode), e.g. '{sample}'; indicator names cannot be read. "
        "Convert it to Unicode (Unikey: conversion tool, {font} → Unicode) and read it again.",
    ),
    "most-rows-unmapped": (
        "{unmapped} dòng không khớp chỉ tiêu nào của bộ chỉ tiêu (chỉ {mapped} ô được nhận); tệp không phải báo cáo theo mẫu này "
        "hoặc sai bộ chỉ tiêu (--spec).",
        "{unmapped} rows match no indicator of the spec (only {mapped} cells were taken); the file does not follow this template "
        "or the spec (--spec) is wrong.",
    ),
    "values-truncated": (
        "Tệp có hơn {limit} dòng/giá trị: từ mục thứ {at} trở đi không được đọc; hãy tách tệp.",
        "The file holds more than {limit} lines/values: nothing from item {at} on was read; split the file.",
    ),
    "duplicate-key": (
        "Khóa '{key}' xuất hiện nhiều lần; chỉ giá trị cuối ('{value}') được dùng. Hãy giữ một lần duy nhất.",
        "Key '{key}' appears more than once; only the last value ('{value}') is used. Keep a single one.",
    ),
    "value-too-large": (
        "Không tính được '{expr}': kết quả vượt quá mọi giá trị hợp lý (tràn số).",
        "Cannot compute '{expr}': the result exceeds any sensible magnitude (overflow).",
    ),
    "footnote-mark": (
        "Giá trị '{raw}' có dấu chú thích (chỉ số trên); đã đọc là {value}, dấu chú thích không phải chữ số.",
        "Value '{raw}' carries a footnote mark (superscript); read as {value}, the mark is not a digit.",
    ),
    "choice-with-detail": (
        "Câu trả lời '{raw}' được đọc là '{label}' ({answer}); phần ghi thêm không được dùng. Ô trả lời chỉ nên ghi một lựa chọn.",
        "The answer '{raw}' is read as '{label}' ({answer}); the words after it are not used. An answer cell should hold one choice.",
    ),
    "choice-from-count": (
        "Dòng có/không (mẫu in đơn vị '{unit}') ghi số {raw}: đọc là '{label}' ({answer}).",
        "A yes/no row (the template prints the unit '{unit}') holds the number {raw}: read as '{label}' ({answer}).",
    ),
    "count-from-choice": (
        "Ô ghi '{raw}', theo đơn vị tính in trong mẫu ('{unit}') được đọc là {answer}.",
        "The cell says '{raw}': by the unit the template prints ('{unit}') it reads as {answer}.",
    ),
    "none-as-zero": (
        "Ô số liệu ghi '{raw}' (không phát sinh) được đọc là 0. Ô số liệu nên ghi số 0.",
        "The value cell says '{raw}' (none occurred): read as 0. A value cell should hold the number 0.",
    ),
    "none-as-blank": (
        "Ô tỷ lệ ghi '{raw}' (không phát sinh): để trống, như tỷ lệ có mẫu số bằng 0.",
        "The rate cell says '{raw}' (none occurred): left blank, as a rate over 0 is.",
    ),
    "unit-in-value": (
        "Ô số liệu '{raw}' ghi kèm đơn vị tính ({unit}); đã đọc là {value}. Ô số liệu chỉ nên ghi số.",
        "The value cell '{raw}' also holds the unit ({unit}); read as {value}. A value cell should hold the number only.",
    ),
    "ambiguous-decimal": (
        "Giá trị '{raw}' được hiểu là {value} (số viết kiểu tiếng Anh: dấu chấm thập phân, dấu phẩy ngăn cách hàng nghìn).",
        "Value '{raw}' read as {value} (English notation: decimal point, comma thousands separator).",
    ),
    "date-not-number": (
        "Ô chứa ngày tháng '{raw}', không phải số liệu.",
        "The cell holds a date '{raw}', not a figure.",
    ),
    "text-too-long": ("Nội dung dài quá {max} ký tự; đã bị cắt.", "Text longer than {max} characters; truncated."),
    # --- reading --------------------------------------------------------------
    "file-not-found": ("Không tìm thấy tệp '{file}'.", "File '{file}' not found."),
    "file-unreadable": ("Không đọc được tệp '{file}': {error}", "Cannot read file '{file}': {error}"),
    "no-reader": (
        "Không có bộ đọc nào nhận định dạng của tệp '{file}'. Bộ đọc có sẵn: {readers}.",
        "No reader accepts file '{file}'. Installed readers: {readers}.",
    ),
    "missing-metadata": (
        "Không xác định được {what} của báo cáo; hãy dùng tùy chọn {option}.",
        "Cannot tell the report's {what}; give {option}.",
    ),
    "unknown-level": (
        "Cấp '{level}' không có trong bộ chỉ tiêu '{spec}'. Các cấp: {levels}.",
        "Level '{level}' is not in spec '{spec}'. Levels: {levels}.",
    ),
    "spec-inferred": (
        "Dùng bộ chỉ tiêu '{spec}' (năm {year}, {level}) theo năm và cấp ghi trong báo cáo; muốn dùng bộ khác, hãy ghi --spec.",
        "Using spec '{spec}' ({year}, {level}) for the year and level the report states; to use another, give --spec.",
    ),
    "spec-none-fits": (
        "Không có bộ chỉ tiêu nào của năm {year} cho {level}; hãy chọn bằng --spec. Các bộ chỉ tiêu: {candidates}.",
        "No installed spec of {year} fits {level}; choose one with --spec. Specs: {candidates}.",
    ),
    "spec-ambiguous": (
        "Có nhiều bộ chỉ tiêu của năm {year} phù hợp với {level}; hãy chọn một bằng --spec: {candidates}.",
        "Several specs of {year} fit {level}; choose one with --spec: {candidates}.",
    ),
    "spec-year-mismatch": (
        "Báo cáo ghi kỳ {period} (năm {year}) nhưng được kiểm tra theo bộ chỉ tiêu '{spec}' của năm {spec_year}; "
        "nếu đúng là báo cáo năm {year}, hãy dùng bộ chỉ tiêu của năm đó (--spec).",
        "The report states period {period} (year {year}) but is checked against spec '{spec}' of {spec_year}; "
        "if it is a {year} report, use that year's spec (--spec).",
    ),
    "period-contradicts-document": (
        "Kỳ báo cáo --period {given} khác kỳ ghi trong báo cáo ({found}); đã dùng kỳ {given}.",
        "--period {given} differs from the period the report states ({found}); {given} was used.",
    ),
    "invalid-period": (
        "Kỳ báo cáo '{period}' không hợp lệ; dùng dạng 2023, 2023-H1, 2023-Q3 hoặc 2023-M09.",
        "Invalid period '{period}'; use 2023, 2023-H1, 2023-Q3 or 2023-M09.",
    ),
    "no-appendix": (
        "Không tìm thấy phụ lục của bộ chỉ tiêu '{spec}' trong tệp: không dòng nào ({values} dòng có giá trị) khớp một chỉ tiêu. Kiểm tra lại tệp và --spec.",
        "No appendix of spec '{spec}' in the file: no row ({values} with a value) matches an indicator. Check the file and --spec.",
    ),
    "row-shifted": (
        "Dòng bị lệch sang trái một cột (tên chỉ tiêu nằm ở cột STT, số liệu ở cột Đơn vị tính); "
        "đã đọc lại thành '{name}' ({unit}) = '{raw}', ô {cell}.",
        "Row shifted one column to the left (the name in the STT column, the value in the unit column); "
        "read as '{name}' ({unit}) = '{raw}', cell {cell}.",
    ),
    "value-not-placed": (
        "Số liệu '{raw}' ở ô {cell} (dòng '{name}') không nằm ở cột Số liệu và không gắn được vào chỉ tiêu; "
        "số liệu này chưa được dùng, hãy chuyển nó vào đúng ô.",
        "Value '{raw}' at {cell} (row '{name}') is not in the value column and could not be placed; "
        "it was not used: move it to the right cell.",
    ),
    "unmapped-row": (
        "Không nhận ra dòng '{stt} {name}' trong bộ chỉ tiêu; giá trị '{raw}' không được đưa vào chỉ tiêu nào.",
        "Row '{stt} {name}' matches no indicator; value '{raw}' reached no indicator.",
    ),
    "duplicate-row": (
        "Chỉ tiêu '{name}' xuất hiện lần nữa (đã có tại {first}); giữ giá trị đầu tiên, bỏ '{raw}'.",
        "Indicator '{name}' appears again (first at {first}); kept the first value, ignored '{raw}'.",
    ),
    "stt-mismatch": (
        "Dòng STT '{stt}' có tên khớp với chỉ tiêu {expected} '{name}'; đã nhận theo tên.",
        "Row STT '{stt}' has the name of indicator {expected} '{name}'; mapped by name.",
    ),
    "value-on-group": (
        "Dòng tiêu đề '{name}' có giá trị '{raw}'; dòng này không nhận số liệu nên giá trị bị bỏ qua.",
        "Heading row '{name}' has value '{raw}'; it takes no value, ignored.",
    ),
    "level-not-reporting": (
        "Chỉ tiêu '{name}' không thuộc phạm vi báo cáo {level}, nhưng có giá trị.",
        "Indicator '{name}' is not reported at this level ({level}), but has a value.",
    ),
    "formula-cell": (
        "Ô là công thức Excel không có giá trị đã tính; hãy mở và lưu lại tệp bằng Excel.",
        "The cell is an Excel formula without a cached value; open and save it in Excel.",
    ),
    # --- computing and rules --------------------------------------------------
    "ratio-rounding": (
        "Tỷ lệ báo cáo {reported} khác giá trị tính được {computed} ({formula}) chỉ do làm tròn.",
        "Reported ratio {reported} differs from computed {computed} ({formula}) by rounding only.",
    ),
    "ratio-truncated": (
        "Tỷ lệ báo cáo {reported} là giá trị tính được {computed} ({formula}) bị cắt bớt chữ số, không làm tròn "
        "(làm tròn đúng là {rounded}).",
        "Reported ratio {reported} is the computed {computed} ({formula}) cut short, not rounded "
        "(rounded it is {rounded}).",
    ),
    "ratio-mismatch": (
        "Giá trị báo cáo {reported} không khớp giá trị tính theo công thức {formula} = {computed}.",
        "Reported {reported} does not match {formula} = {computed}.",
    ),
    "zero-denominator": (
        "Mẫu số bằng 0 ({formula}): theo quy ước '{policy}', giá trị là {computed}.",
        "Zero denominator ({formula}): by policy '{policy}', the value is {computed}.",
    ),
    "computed": ("Giá trị được tính theo công thức {formula}.", "Value computed by {formula}."),
    "rule-missing-operand": (
        "Không kiểm tra được quy tắc '{rule}' vì thiếu số liệu: {missing}.",
        "Rule '{rule}' not checked: missing {missing}.",
    ),
    "rule-failed": ("{text}", "{text}"),
    "value-blank": ("trống", "blank"),
    # --- aggregate ------------------------------------------------------------
    "aggregate-file-unusable": (
        "Bỏ qua tệp '{file}' khi tổng hợp: {reason}",
        "File '{file}' left out of the compilation: {reason}",
    ),
    "aggregate-mixed-spec": (
        "Bỏ qua tệp '{file}' ({unit}): báo cáo theo bộ chỉ tiêu '{found}', không phải '{spec}'.",
        "File '{file}' ({unit}) left out: it follows spec '{found}', not '{spec}'.",
    ),
    "aggregate-wrong-level": (
        "Bỏ qua tệp '{file}': {unit} là báo cáo {found}; tổng hợp lên {level} cần báo cáo {expected}.",
        "File '{file}' left out: {unit} is a {found} report; compiling into {level} takes {expected} reports.",
    ),
    "aggregate-mixed-periods": (
        "Các báo cáo thuộc nhiều kỳ khác nhau ({periods}); tổng hợp kỳ {period}.",
        "The reports cover several periods ({periods}); compiling period {period}.",
    ),
    "aggregate-other-period": (
        "Bỏ qua tệp '{file}' ({unit}): kỳ báo cáo {found}, không phải kỳ {period}.",
        "File '{file}' ({unit}) left out: period {found}, not {period}.",
    ),
    "aggregate-duplicate-unit": (
        "Hai tệp là báo cáo kỳ {period} của cùng {unit}: đã tổng hợp '{first}', bỏ qua '{file}'.",
        "Two files are {unit}'s report for {period}: '{first}' was compiled, '{file}' left out.",
    ),
    "aggregate-unit-from-file": (
        "Tệp '{file}' không ghi tên đơn vị báo cáo; lấy tên theo tên tệp: {unit}.",
        "File '{file}' does not name its reporting unit; named after the file: {unit}.",
    ),
    "aggregate-unit-invalid": (
        "Báo cáo của {unit} có {errors} lỗi nhưng vẫn được tổng hợp (dùng --skip-invalid để loại).",
        "The report of {unit} has {errors} error(s) but is compiled (use --skip-invalid to leave it out).",
    ),
    "aggregate-unit-skipped": (
        "Bỏ qua báo cáo của {unit} vì có {errors} lỗi (--skip-invalid).",
        "The report of {unit} is left out: {errors} error(s) (--skip-invalid).",
    ),
    "aggregate-unit-finding": ("{unit}: {message}", "{unit}: {message}"),
    "aggregate-total-too-large": (
        "Tổng cộng của {units} đơn vị vượt quá số lớn nhất có thể tính được: chỉ tiêu để trống, hãy kiểm tra số liệu của các đơn vị.",
        "The total of {units} unit(s) is beyond the largest number that can be computed: left blank; check the units' figures.",
    ),
    "aggregate-count-label": ("số đơn vị trả lời '{label}'", "units answering '{label}'"),
    "aggregate-no-files": (
        "Không có tệp báo cáo nào để tổng hợp trong: {paths}.",
        "No report files to compile in: {paths}.",
    ),
    "aggregate-no-units": (
        "Không còn báo cáo nào dùng được để tổng hợp ({excluded} tệp bị loại).",
        "No usable report left to compile ({excluded} file(s) left out).",
    ),
    "aggregate-unknown-unit": ("không xác định được", "unknown"),
    "aggregate-progress": ("Đang đọc báo cáo", "Reading reports"),
    "aggregate-matrix-total": ("Tổng hợp", "Total"),
    "matrix-col-form": ("Biểu mẫu", "Form"),
    "aggregate-summary": (
        "Đã tổng hợp {included} đơn vị ({excluded} tệp bị loại), kỳ {period}: {errors} lỗi, {warnings} cảnh báo.",
        "Compiled {included} unit(s) ({excluded} file(s) left out), period {period}: {errors} error(s), {warnings} warning(s).",
    ),
    # --- checks across periods (periods.py) ------------------------------
    "period-checks-skipped": (
        "Chưa so sánh với các kỳ báo cáo trước ({count} chỉ tiêu có quy tắc theo kỳ): cần kho báo cáo (cchc submit --db …).",
        "Not compared with earlier periods ({count} indicator(s) have period rules): that needs the store (cchc submit --db …).",
    ),
    "period-below-contained": (
        "Số liệu kỳ {period} ({value}) nhỏ hơn kỳ {other} ({other_value}), trong khi thời gian số liệu kỳ {period} bao gồm kỳ {other}.",
        "The figure for {period} ({value}) is below {other} ({other_value}), although the data window of {period} contains {other}.",
    ),
    "period-above-containing": (
        "Số liệu kỳ {period} ({value}) lớn hơn kỳ {other} ({other_value}), trong khi thời gian số liệu kỳ {other} bao gồm kỳ {period}.",
        "The figure for {period} ({value}) is above {other} ({other_value}), although the data window of {other} contains {period}.",
    ),
    "period-cumulative-decreased": (
        "Số lũy kế kỳ {period} ({value}) không khớp chiều tăng với kỳ {other} ({other_value}): số lũy kế trong năm không giảm.",
        "The cumulative figure for {period} ({value}) does not grow from {other} ({other_value}): a year-to-date figure never decreases.",
    ),
    "period-state-jump": (
        "Số liệu kỳ {period} ({value}) thay đổi quá {factor} lần so với kỳ {other} ({other_value}); đề nghị kiểm tra.",
        "The figure for {period} ({value}) changed more than {factor}-fold from {other} ({other_value}); please check.",
    ),
    # --- the store ---------------------------------------------------------------
    "store-needs-extra": (
        "Chức năng kho báo cáo cần cài thêm: pip install 'cchc-engine[store]'.",
        "The store needs its extra: pip install 'cchc-engine[store]'.",
    ),
    "store-bad-url": (
        "Địa chỉ kho báo cáo không hợp lệ: '{url}' (dùng sqlite:///đường/dẫn.sqlite3 hoặc postgresql://người-dùng@máy/csdl).",
        "Invalid store address: '{url}' (use sqlite:///path/to/file.sqlite3 or postgresql://user@host/db).",
    ),
    "store-unusable": (
        "Không mở được kho báo cáo {url}: {error}",
        "Cannot open the store {url}: {error}",
    ),
    "store-old-schema": (
        "Kho báo cáo {url} đang ở phiên bản cấu trúc {found}, cần {head}: chạy `cchc db upgrade`.",
        "The store {url} has schema {found}, {head} is needed: run `cchc db upgrade`.",
    ),
    "store-busy": (
        "Kho báo cáo đang bận (nhiều người cùng ghi); chưa lưu được, hãy thử lại. ({error})",
        "The store is busy (many writers at once); nothing was saved, try again. ({error})",
    ),
    "store-units-file": (
        "Tệp danh sách đơn vị '{file}', dòng {row}: {error}",
        "Units file '{file}', row {row}: {error}",
    ),
    "store-units-columns": (
        "thiếu cột {missing} (cần các cột code, name, level, parent)",
        "missing column(s) {missing} (the columns are code, name, level, parent)",
    ),
    "store-units-empty-field": ("ô '{column}' để trống", "'{column}' is empty"),
    "store-units-duplicate": ("mã đơn vị '{code}' lặp lại", "unit code '{code}' repeated"),
    "store-unit-parent-unknown": (
        "Đơn vị '{unit}' có đơn vị cấp trên '{parent}' không có trong danh sách.",
        "Unit '{unit}' has parent '{parent}', which is not in the organisation.",
    ),
    "store-unit-cycle": (
        "Đơn vị '{unit}' lại là cấp trên của chính nó (vòng lặp trong cột parent).",
        "Unit '{unit}' is its own ancestor (a cycle in the parent column).",
    ),
    "store-unit-unknown": (
        "Không có đơn vị mã '{unit}' trong kho (gần giống: {hint}); nhập danh sách bằng `cchc units import`.",
        "No unit with code '{unit}' in the store (similar: {hint}); load the organisation with `cchc units import`.",
    ),
    "store-unit-not-found": (
        "Tiêu đề báo cáo ghi đơn vị '{name}', không khớp với đúng một đơn vị trong kho: ghi rõ --unit MÃ.",
        "The report's title names '{name}', which matches no single unit of the store: give --unit CODE.",
    ),
    "store-unit-level-unknown": (
        "Đơn vị '{unit}' thuộc cấp '{level}', bộ chỉ tiêu '{spec}' không có cấp này.",
        "Unit '{unit}' is at level '{level}', which spec '{spec}' does not have.",
    ),
    "store-submission-unknown": ("Không có báo cáo mã số {id} trong kho.", "No submission with id {id} in the store."),
    "store-no-submission": (
        "{unit} chưa gửi báo cáo kỳ {period}.",
        "{unit} has sent no report for {period}.",
    ),
    "store-spec-needed": (
        "Cần cho biết bộ chỉ tiêu: --spec, hoặc --period để lấy theo năm của kỳ.",
        "Say which spec: --spec, or --period to take the period's year.",
    ),
    "store-explain-empty": ("Nội dung giải trình đang để trống.", "The explanation is empty."),
    "store-explain-not-allowed": (
        "Không giải trình được '{finding}' ({message}): đây là lỗi phải sửa; bộ chỉ tiêu chỉ cho giải trình cảnh báo và các lỗi trong explainable_errors.",
        "'{finding}' ({message}) cannot be explained: it is an error to correct; the spec allows explaining warnings and the errors in explainable_errors.",
    ),
    "store-finding-unknown": (
        "Phiên bản {version} không có phát hiện '{finding}' (có {count} lỗi và cảnh báo; xem `cchc history --unit … --period …`).",
        "Version {version} has no finding '{finding}' ({count} errors and warnings; see `cchc history --unit … --period …`).",
    ),
    "store-return-needs-reason": ("Trả lại báo cáo cần ghi lý do.", "Returning a report needs a reason."),
    "store-review-decision": ("Chọn một: --approve hoặc --return LÝ_DO.", "Choose one: --approve or --return REASON."),
    "store-review-not-current": (
        "Chỉ duyệt được phiên bản mới nhất: {unit} đã gửi phiên bản {current} sau phiên bản {version}.",
        "Only the current version can be reviewed: {unit} sent version {current} after version {version}.",
    ),
    "store-approve-has-errors": (
        "Chưa phê duyệt được phiên bản {version} của {unit}: còn {errors} lỗi chưa sửa (hoặc chưa được giải trình).",
        "Version {version} of {unit} cannot be approved: {errors} error(s) not corrected (nor explained).",
    ),
    "store-bad-role": ("Vai trò '{role}' không hợp lệ (chọn: {roles}).", "Invalid role '{role}' (one of: {roles})."),
    "store-account-needs-unit": (
        "Tài khoản vai trò '{role}' cần gắn với một đơn vị.",
        "An account with role '{role}' needs a unit.",
    ),
    "store-account-exists": ("Tài khoản '{username}' đã có.", "Account '{username}' already exists."),
    "store-account-unknown": ("Không có tài khoản '{username}'.", "No account '{username}'."),
    "store-unit-not-compiled": (
        "Chưa tổng hợp {unit} ({unit_code}): {state}.",
        "{unit} ({unit_code}) not compiled: {state}.",
    ),
    "store-explanation-carried": (
        "{unit} giải trình: \"{text}\" (về: {message})",
        "{unit} explains: \"{text}\" (about: {message})",
    ),
    "store-own-missing": (
        "{unit} chưa nhập số liệu của chính đơn vị kỳ {period}: các chỉ tiêu do đơn vị tự báo cáo để trống.",
        "{unit} has not sent its own figures for {period}: the indicators it reports itself are blank.",
    ),
    "board-state-missing": ("chưa gửi", "not submitted"),
    "board-state-errors": ("có lỗi", "has errors"),
    "board-state-warnings": ("cảnh báo chưa giải trình", "warnings not explained"),
    "board-state-valid": ("hợp lệ, chờ duyệt", "valid, awaiting review"),
    "board-state-returned": ("bị trả lại", "returned"),
    "board-state-approved": ("đã phê duyệt", "approved"),
    "board-col-code": ("Mã", "Code"),
    "board-col-unit": ("Đơn vị", "Unit"),
    "board-col-level": ("Cấp", "Level"),
    "board-col-parent": ("Cấp trên", "Parent"),
    "board-col-state": ("Tình trạng", "State"),
    "board-col-versions": ("Số lần gửi", "Versions"),
    "board-col-last": ("Lần gửi cuối", "Last sent"),
    "board-col-open": ("Lỗi / cảnh báo chưa giải trình", "Open errors / warnings"),
    "board-col-note": ("Ghi chú", "Note"),
    "board-title": ("Tình hình gửi báo cáo kỳ {period}", "Reports received for {period}"),
    "board-summary": (
        "{total} đơn vị: {approved} đã duyệt, {valid} hợp lệ chờ duyệt, {warnings} còn cảnh báo, {errors} có lỗi, {returned} bị trả lại, {missing} chưa gửi.",
        "{total} unit(s): {approved} approved, {valid} valid awaiting review, {warnings} with warnings, {errors} with errors, {returned} returned, {missing} not submitted.",
    ),
    "history-col-version": ("Phiên bản", "Version"),
    "history-col-period": ("Kỳ", "Period"),
    "history-col-file": ("Tệp", "File"),
    "history-col-by": ("Người gửi", "Sent by"),
    "history-col-at": ("Thời gian", "Time"),
    "history-col-result": ("Kết quả", "Result"),
    "history-col-review": ("Duyệt", "Review"),
    "history-counts": ("{errors} lỗi, {warnings} cảnh báo", "{errors} error(s), {warnings} warning(s)"),
    "history-findings": (
        "Phiên bản {version} (kỳ {period}): các lỗi và cảnh báo (số thứ tự và mã dùng cho `cchc explain --finding`):",
        "Version {version} ({period}): errors and warnings (the number or key is what `cchc explain --finding` takes):",
    ),
    "history-explained": ("đã giải trình: {text}", "explained: {text}"),
    "history-none": ("{unit} chưa gửi báo cáo nào.", "{unit} has sent no report."),
    "submit-stored": (
        "Đã lưu phiên bản {version} báo cáo kỳ {period} của {unit} (mã lưu {id}): {state}.",
        "Kept version {version} of {unit}'s report for {period} (id {id}): {state}.",
    ),
    "units-imported": ("Đã nhập {added} đơn vị mới, cập nhật {updated} đơn vị.", "Added {added} unit(s), updated {updated}."),
    "db-upgraded": ("Kho báo cáo {url} đã ở phiên bản cấu trúc mới nhất ({head}).", "The store {url} is at the newest schema ({head})."),
    "explain-kept": ("Đã lưu giải trình của {unit} cho '{finding}'.", "Kept {unit}'s explanation of '{finding}'."),
    "review-approved": ("Đã phê duyệt phiên bản {version} của {unit}, kỳ {period}.", "Approved version {version} of {unit}, {period}."),
    "review-returned": ("Đã trả lại phiên bản {version} của {unit}, kỳ {period}: {reason}", "Returned version {version} of {unit}, {period}: {reason}"),
    "aggregate-store-summary": (
        "Đã tổng hợp {included} đơn vị từ kho báo cáo, kỳ {period}; {missing} đơn vị chưa có báo cáo được duyệt: {errors} lỗi, {warnings} cảnh báo.",
        "Compiled {included} unit(s) from the store, {period}; {missing} unit(s) without an approved report: {errors} error(s), {warnings} warning(s).",
    ),
    # --- plugins ---------------------------------------------------------------
    "plugin-bad-registration": (
        "Plugin '{plugin}' đăng ký {kind} không hợp lệ ({item}): thiếu {missing}; bị bỏ qua.",
        "Plugin '{plugin}' registered an invalid {kind} ({item}): missing {missing}; skipped.",
    ),
    "plugins-col-plugin": ("Plugin", "Plugin"),
    "plugins-col-version": ("Phiên bản", "Version"),
    "plugins-col-hooks": ("Hook", "Hooks"),
    "plugins-col-registered": ("Đã đăng ký", "Registered"),
    "plugins-kind-formats": ("định dạng", "formats"),
    "plugins-kind-readers": ("bộ đọc", "readers"),
    "plugins-kind-specs": ("bộ chỉ tiêu", "specs"),
    "plugins-kind-commands": ("lệnh", "commands"),
    "plugins-col-distribution": ("Gói cài đặt", "Distribution"),
    "plugins-col-errors": ("Lỗi", "Errors"),
    "plugins-none": (
        "(không có plugin ngoài; --all liệt kê cả các plugin có sẵn)",
        "(no third-party plugins; --all shows the built-ins)",
    ),
    "registry-readers": ("Bộ đọc", "Reader"),
    "registry-writers": ("Định dạng", "Format"),
    "registry-specs": ("Bộ chỉ tiêu", "Spec"),
    "plugin-item-unusable": (
        "Plugin '{plugin}' đăng ký {kind} không dùng được, bị bỏ qua: {error}",
        "Plugin '{plugin}' registered an unusable {kind}, skipped: {error}",
    ),
    "plugin-not-installed": (
        "CCHC_LOAD_PLUGINS nêu '{plugin}' nhưng không có plugin nào tên như vậy. Các plugin đã cài: {installed}.",
        "CCHC_LOAD_PLUGINS names '{plugin}', but no installed plugin has that name. Installed: {installed}.",
    ),
    "plugins-dir-missing": (
        "Thư mục plugin '{dir}' không tồn tại; bỏ qua.",
        "Plugins directory '{dir}' does not exist; skipped.",
    ),
    "plugin-file-skipped": (
        "Tệp plugin '{file}' không được nạp: {reason}.",
        "Plugin file '{file}' was not loaded: {reason}.",
    ),
    "plugin-skip-not-regular": ("không phải tệp thông thường (FIFO, thiết bị, thư mục)", "not a regular file (a FIFO, device, directory)"),
    "plugin-skip-shared": (
        "tài khoản khác có thể sửa tệp hay thư mục chứa nó (mã chạy với quyền của bạn)",
        "another account may change it or its folder (its code would run as you)",
    ),
    "plugin-skip-foreign": ("tệp thuộc tài khoản khác (mã chạy với quyền của bạn)", "it belongs to another account (its code would run as you)"),
    "plugin-bad-return": (
        "Plugin '{plugin}': {hook} trả về {got} ({item}) thay vì một danh sách Finding; phần này bị bỏ qua.",
        "Plugin '{plugin}': {hook} returned a {got} ({item}) instead of a list of Findings; that part was ignored.",
    ),
    "plugin-read-failed": (
        "Không dùng được tệp '{file}': bộ đọc '{reader}' của plugin '{plugin}' bị lỗi: {error}",
        "File '{file}' is unusable: reader '{reader}' of plugin '{plugin}' failed: {error}",
    ),
    "plugin-write-failed": (
        "Không ghi được '{file}': định dạng '{format}' của plugin '{plugin}' bị lỗi: {error}",
        "Cannot write '{file}': format '{format}' of plugin '{plugin}' failed: {error}",
    ),
    "plugin-sniff-failed": (
        "Plugin '{plugin}': bộ đọc '{reader}' bị lỗi khi nhận dạng tệp '{file}' và đã bị bỏ qua: {error}",
        "Plugin '{plugin}': reader '{reader}' failed while recognising '{file}' and was skipped: {error}",
    ),
    "plugin-trace-call": ("cchc trace: {hook}({args}) → {plugins}", "cchc trace: {hook}({args}) → {plugins}"),
    "plugin-trace-result": ("cchc trace: {hook} ← {result}", "cchc trace: {hook} ← {result}"),
    "plugin-config-invalid": (
        "Tệp cấu hình '{file}' không hợp lệ: {error}",
        "Configuration file '{file}' is invalid: {error}",
    ),
    "plugin-message-taken": (
        "Plugin muốn thêm thông điệp '{message_code}' nhưng mã này đã có trong danh mục với nội dung khác.",
        "A plugin tried to add message '{message_code}', but the catalogue already has that code with another text.",
    ),
    "scaffold-bad-name": (
        "Tên plugin '{name}' không hợp lệ: dùng chữ thường, số và dấu gạch ngang, ví dụ cchc-html.",
        "Plugin name '{name}' is not valid: use lower-case letters, digits and hyphens, e.g. cchc-html.",
    ),
    "scaffold-exists": (
        "'{folder}' đã tồn tại; chọn tên khác để không ghi đè.",
        "'{folder}' already exists; choose another name so nothing is overwritten.",
    ),
    "scaffold-written": (
        "Đã tạo plugin ({kind}) trong {folder}: {files} tệp. Tiếp theo: cchc install -e {folder} && python -m pytest {folder}/tests",
        "Created a {kind} plugin in {folder}: {files} files. Next: cchc install -e {folder} && python -m pytest {folder}/tests",
    ),
    "server-extra-missing": (
        "Lệnh serve cần gói mở rộng máy chủ: pip install 'cchc-engine[server]'.",
        "The serve command needs the server extra: pip install 'cchc-engine[server]'.",
    ),
    "plugin-install-failed": (
        "pip không cài/gỡ được ({packages}); mã thoát {status}. Xem thông báo của pip ở trên.",
        "pip could not install/uninstall ({packages}); exit code {status}. See pip's messages above.",
    ),
    "plugin-installed-bundled": (
        "Đã cài {package} từ thư mục {folder} (plugin đi kèm cchc-engine, không cần mạng).",
        "Installed {package} from {folder} (a plugin bundled with cchc-engine; no network needed).",
    ),
    "plugin-install-bundled-hint": (
        "{package} đi kèm mã nguồn cchc-engine: cài không cần mạng từ một bản sao của kho mã, trong thư mục gốc của nó: "
        "pip install --no-index --no-build-isolation ./plugins/{package} (cần hatchling và các gói phụ thuộc đã cài sẵn).",
        "{package} comes with the cchc-engine source: install it without the network from a copy of the repository, "
        "in its root folder: pip install --no-index --no-build-isolation ./plugins/{package} (needs hatchling and its "
        "dependencies already installed).",
    ),
    # --- reading: why a file cannot be read (the {error} of file-unreadable) ------------
    "kind-docx": ("tệp Word (.docx)", "the Word (.docx) file"),
    "kind-ods": ("tệp OpenDocument (.ods)", "the OpenDocument (.ods) file"),
    "kind-xls": ("tệp Excel 97-2003 (.xls)", "the Excel 97-2003 (.xls) file"),
    "kind-xlsx": ("tệp Excel .xlsx", "the Excel .xlsx file"),
    "read-empty": ("tệp rỗng (0 byte), không phải {what}", "empty file (0 bytes), not {what}"),
    "read-encrypted": (
        "tệp được đặt mật khẩu (mã hóa); hãy mở bằng Excel, bỏ mật khẩu (File › Info › Protect Workbook) và lưu lại dạng .xlsx",
        "the file is password-protected (encrypted); open it in Excel, remove the password (File › Info › Protect Workbook) and save as .xlsx",
    ),
    "read-is-xls": (
        "định dạng Excel 97-2003 (.xls); hãy mở bằng Excel và lưu lại dạng .xlsx (không đặt mật khẩu)",
        "Excel 97-2003 format (.xls); open it in Excel and save as .xlsx (no password)",
    ),
    "read-is-doc": (
        "định dạng Word 97-2003 (.doc); hãy mở bằng Word hoặc LibreOffice và lưu lại dạng .docx (Tệp › Lưu thành › Word Document)",
        "Word 97-2003 format (.doc); open it in Word or LibreOffice and save as .docx (File › Save As › Word Document)",
    ),
    "read-ole-unknown": (
        "tệp được đặt mật khẩu (mã hóa) hoặc là định dạng Excel 97-2003 (.xls); hãy bỏ mật khẩu và lưu lại dạng .xlsx",
        "the file is password-protected or in Excel 97-2003 format (.xls); remove the password and save as .xlsx",
    ),
    "read-is-text": (
        "không phải {what} mà là tệp văn bản (CSV/TXT đổi đuôi?); hãy dùng đúng đuôi tệp (.csv, .json)",
        "not {what} but a text file (a renamed CSV/TXT?); use the right suffix (.csv, .json)",
    ),
    "read-not-zip": ("không phải {what}", "not {what}"),
    "read-too-large": (
        "tệp quá lớn ({size} MB > {max} MB; một phụ lục thật nhỏ hơn 1 MB); tệp bị từ chối",
        "file too large ({size} MB > {max} MB; a real appendix is under 1 MB); refused",
    ),
    "read-too-many-parts": (
        "tệp nén có quá nhiều thành phần ({count} > {max})",
        "the zip holds too many parts ({count} > {max})",
    ),
    "read-duplicate-part": (
        "tệp nén có hai thành phần cùng tên '{part}' (không biết bản nào là thật: tệp bị sửa hoặc độc hại); tệp bị từ chối",
        "the zip holds two parts named '{part}' (which one is real cannot be told: edited or malicious); refused",
    ),
    "read-duplicate-cell": (
        "trang tính '{sheet}' ghi ô {cell} hai lần (Excel không bao giờ ghi như vậy: tệp bị sửa hoặc độc hại); tệp bị từ chối",
        "sheet '{sheet}' writes cell {cell} twice (Excel never does: edited or malicious file); refused",
    ),
    "read-zip-bomb": (
        "nội dung giải nén quá lớn ({size} MB > {max} MB; có thể là tệp 'zip bomb'); tệp bị từ chối",
        "uncompressed content too large ({size} MB > {max} MB; possibly a 'zip bomb'); refused",
    ),
    "read-doctype": (
        "tệp chứa khai báo DOCTYPE/ENTITY trong XML (có thể là tệp độc hại, kiểu 'billion laughs'); tệp bị từ chối",
        "the XML holds a DOCTYPE/ENTITY declaration (possibly malicious, 'billion laughs' style); refused",
    ),
    "read-bad-zip": (
        "{what} bị hỏng: dữ liệu nén không đọc được (tệp bị cắt ngắn hoặc bị ghi đè?); hãy đề nghị gửi lại tệp",
        "{what} is damaged: compressed data unreadable (cut short or overwritten?); ask for the file again",
    ),
    "read-bad-xml": (
        "{what} bị hỏng: XML không hợp lệ (dòng {line}, cột {column} của phần XML); hãy mở và lưu lại bằng Excel/Word/LibreOffice",
        "{what} is damaged: invalid XML (line {line}, column {column} of the XML part); open and save it again in Excel/Word/LibreOffice",
    ),
    "read-broken": ("{what} bị hỏng ({detail})", "{what} is damaged ({detail})"),
    "read-missing-part": (
        "{what} bị hỏng hoặc không đúng loại: thiếu phần '{part}'",
        "{what} is damaged or not of this kind: the part '{part}' is missing",
    ),
    "read-too-deep": ("cấu trúc XML lồng nhau quá sâu", "XML nested too deep"),
    "read-no-memory": ("không đủ bộ nhớ để đọc tệp", "not enough memory to read the file"),
    "read-not-workbook": (
        "tệp nén không phải bảng tính Excel; hãy mở bằng Excel/LibreOffice và lưu lại dạng .xlsx",
        "a zip that is not an Excel workbook; open it in Excel/LibreOffice and save as .xlsx",
    ),
    "read-not-ods": (
        "tệp nén không phải bảng tính OpenDocument (.ods) (thiếu content.xml hoặc mimetype khác: '{mimetype}'); hãy mở bằng LibreOffice và lưu lại",
        "a zip that is not an OpenDocument spreadsheet (.ods) (no content.xml, or mimetype '{mimetype}'); open it in LibreOffice and save again",
    ),
    "read-not-docx": (
        "tệp nén không phải văn bản Word (thiếu word/document.xml); hãy mở bằng Word/LibreOffice và lưu lại dạng .docx",
        "a zip that is not a Word document (no word/document.xml); open it in Word/LibreOffice and save as .docx",
    ),
    "read-docx-no-appendix": (
        "văn bản Word không có bảng phụ lục ({tables} bảng, không bảng nào có dòng tiêu đề STT / Chỉ tiêu thống kê / "
        "Số liệu); nếu phụ lục là tệp Excel riêng, hãy dùng tệp đó",
        "the Word document has no appendix table ({tables} table(s), none with a header row STT / Chỉ tiêu thống kê / "
        "Số liệu); if the appendix is a separate Excel file, use that file",
    ),
    "read-ods-no-table": (
        "tệp OpenDocument (.ods) không có bảng tính nào",
        "the OpenDocument file (.ods) holds no table",
    ),
    "read-xls-broken": (
        "tệp Excel 97-2003 (.xls) bị hỏng hoặc không đọc được ({detail}); hãy mở bằng Excel và lưu lại dạng .xlsx",
        "the Excel 97-2003 file (.xls) is damaged or unreadable ({detail}); open it in Excel and save as .xlsx",
    ),
    "read-too-many-rows": (
        "trang tính '{sheet}' có hơn {max} dòng (giới hạn đọc; một phụ lục thật có khoảng 150 dòng); "
        "hãy xóa các dòng thừa hoặc chép bảng phụ lục sang tệp riêng",
        "sheet '{sheet}' has more than {max} rows (reading limit; a real appendix has about 150); "
        "delete the extra rows or copy the appendix into a file of its own",
    ),
    "read-too-many-cells-sheet": (
        "trang tính '{sheet}' có hơn {max} ô (giới hạn đọc; một phụ lục thật có khoảng 1.500 ô); "
        "hãy xóa các dòng, cột thừa hoặc chép bảng phụ lục sang tệp riêng",
        "sheet '{sheet}' has more than {max} cells (reading limit; a real appendix has about 1,500); "
        "delete the extra rows and columns or copy the appendix into a file of its own",
    ),
    "read-too-many-cells": (
        "bảng tính có hơn {max} ô (giới hạn đọc; một phụ lục thật có khoảng 1.500 ô); "
        "hãy xóa các dòng, cột thừa hoặc chép bảng phụ lục sang tệp riêng",
        "the workbook has more than {max} cells (reading limit; a real appendix has about 1,500); "
        "delete the extra rows and columns or copy the appendix into a file of its own",
    ),
    "read-too-many-strings": (
        "bảng chuỗi dùng chung (sharedStrings) có hơn {max} chuỗi (giới hạn đọc; một phụ lục thật có vài trăm); tệp bị từ chối",
        "the shared string table has more than {max} strings (reading limit; a real appendix has a few hundred); refused",
    ),
    "read-too-much-text": (
        "tệp chứa hơn {max} MB văn bản (giới hạn đọc; một phụ lục thật có vài chục KB); tệp bị từ chối",
        "the file holds more than {max} MB of text (reading limit; a real appendix has a few dozen KB); refused",
    ),
    "read-no-appendix": (
        "không tìm thấy bảng phụ lục (dòng tiêu đề STT / Chỉ tiêu thống kê / Số liệu) trên trang tính nào",
        "no appendix table found (a header row STT / Chỉ tiêu thống kê / Số liệu) on any sheet",
    ),
    "cell-outside-table": (
        "Ô {cell} có nội dung '{raw}' nằm ngoài các cột của bảng phụ lục (STT, Chỉ tiêu, Đơn vị tính, Số liệu, Ghi chú) nên không được đọc.",
        "Cell {cell} holds '{raw}' outside the appendix columns (STT, name, unit, value, note), so it was not read.",
    ),
    "sheet-without-header": (
        "Trang tính '{sheet}' có {count} ô số (ô đầu tiên: {cell}) nhưng không có dòng tiêu đề STT / Chỉ tiêu thống kê / Số liệu nên không được đọc.",
        "Sheet '{sheet}' holds {count} number cell(s) (first: {cell}) but no header row STT / Chỉ tiêu thống kê / Số liệu, so it was not read.",
    ),
    "sheet-unresolvable": (
        "Trang tính '{sheet}' có trong danh sách của bảng tính nhưng không tìm thấy phần dữ liệu của nó ('{target}'); trang này không được đọc.",
        "Sheet '{sheet}' is listed in the workbook but its data part ('{target}') cannot be found; it was not read.",
    ),
    "cells-beyond-columns": (
        "{count} ô có dữ liệu nằm sau cột {column} (ô đầu tiên: {cell}) không được đọc; bảng phụ lục phải nằm trong {max} cột đầu.",
        "{count} non-empty cell(s) beyond column {column} (first: {cell}) were not read; the appendix must lie within the first {max} columns.",
    ),
    "table-span-bounded": (
        "{count} dòng của bảng có ô gộp (gridSpan) hoặc ô trống đầu dòng (gridBefore) vượt quá {columns} cột của chính bảng "
        "(ghi tới {asked} cột); đã cắt ở cột cuối để số liệu không bị lệch cột. Hãy kiểm tra lại bảng trong Word.",
        "{count} row(s) of the table have a merged cell (gridSpan) or a leading gap (gridBefore) beyond the table's own "
        "{columns} columns (up to {asked}); cut at the last column so no value moves out of its column. Check the table in Word.",
    ),
    "table-not-read": (
        "Bảng {table} nằm sau phụ lục, có {count} ô chứa số nhưng không có dòng tiêu đề (STT / Chỉ tiêu thống kê / Số liệu) "
        "nên không được đọc. Nếu đây là phần tiếp của phụ lục, hãy thêm dòng tiêu đề cho bảng.",
        "Table {table} comes after the appendix and holds {count} cell(s) with figures but no header row "
        "(STT / Chỉ tiêu thống kê / Số liệu), so it was not read. If it continues the appendix, give it a header row.",
    ),
    "embedded-part-not-read": (
        "Văn bản Word có phần nhúng '{part}' ({why}) không đọc được; số liệu trong phần đó không được kiểm tra. "
        "Hãy mở tệp bằng Word và lưu lại (Save As .docx) để phần nhúng thành nội dung của văn bản.",
        "The Word document embeds '{part}' ({why}), which was not read; figures in it were not checked. "
        "Open the file in Word and save it again (Save As .docx) so the embedded part becomes part of the document.",
    ),
    "read-embedded-missing": ("phần này không có trong tệp", "the part is not in the file"),
    "read-embedded-other": ("định dạng không phải Word .docx hay trang HTML", "neither a Word .docx document nor an HTML page"),
    "read-embedded-deep": ("nhúng lồng nhau quá sâu", "embedded too deeply"),
    "note-continued": (
        "Ghi chú '{text}' ở dòng sau (ngắt trang) là phần tiếp theo của ghi chú dòng trên; đã nối vào ghi chú của dòng '{name}'.",
        "The note '{text}' on the next row (a page break) continues the note of the row above; joined to the note of '{name}'.",
    ),
    "cell-nested-table": (
        "Ô {cell} chứa một bảng lồng bên trong; chữ của bảng đó được đọc như nội dung của ô, trang tính vẫn được đọc tiếp.",
        "Cell {cell} holds a table inside it; that table's text is read as the cell's content, and the sheet is read on.",
    ),
    # --- robustness ---------------------------------------------------------------
    "merged-value-cell": (
        "Ô Số liệu {cell} nằm trong vùng ô gộp {range} nên không có giá trị riêng; chỉ tiêu này coi như bỏ trống. Hãy bỏ gộp ô và ghi số liệu từng dòng.",
        "Value cell {cell} lies inside the merged range {range} and has no value of its own; the indicator counts as blank. Unmerge and fill each row.",
    ),
    # --- report writers: headers, labels, texts ---------------------------------------------
    "col-stt": ("STT", "STT"),
    "col-name": ("Chỉ tiêu thống kê", "Indicator"),
    "col-unit": ("Đơn vị tính", "Unit"),
    "col-value": ("Số liệu", "Value"),
    "col-note": ("Ghi chú", "Note"),
    "col-severity": ("Mức", "Severity"),
    "col-code": ("Mã", "Code"),
    "col-indicator": ("Chỉ tiêu", "Indicator"),
    "col-where": ("Vị trí", "Where"),
    "col-message": ("Nội dung", "Message"),
    "severity-error": ("lỗi", "error"),
    "severity-warning": ("cảnh báo", "warning"),
    "severity-info": ("thông tin", "info"),
    "source-reported": ("báo cáo", "reported"),
    "source-computed": ("tính toán", "computed"),
    "source-missing": ("thiếu", "missing"),
    "source-not-applicable": ("không áp dụng", "not applicable"),
    "report-unit": ("Đơn vị", "Unit"),
    "report-level": ("Cấp", "Level"),
    "report-period": ("Kỳ báo cáo", "Period"),
    "report-file": ("Tệp", "File"),
    "report-spec": ("Bộ chỉ tiêu", "Spec"),
    "report-legend": ("* giá trị tính theo công thức", "* value computed by formula"),
    "report-indicators": ("số chỉ tiêu", "indicators"),
    "report-valid": ("HỢP LỆ", "VALID"),
    "report-invalid": ("CÓ LỖI", "HAS ERRORS"),
    "report-findings": ("Kết quả kiểm tra", "Findings"),
    "report-no-findings": ("Không có phát hiện nào.", "No findings."),
    "report-computed-by": ("Giá trị tính theo công thức: {formula}", "Value computed by formula: {formula}"),
    "report-reported-was": ("Báo cáo ghi: {value}", "Reported: {value}"),
    "report-zero-blank": ("không phát sinh", "none (0/0)"),
    "report-zero-note": ("Mẫu số bằng 0: không phát sinh", "Zero denominator: nothing to report"),
    "report-units": ("Số đơn vị tổng hợp: {n}", "Units compiled: {n}"),
    "report-legend-xlsx": ("Ô in nghiêng: giá trị tính theo công thức. Ô tô màu: có phát hiện (xem trang “Kết quả kiểm tra”).", "Italic cells: computed by formula. Coloured cells: see the sheet “Findings”."),
    "report-legend-xlsx-plain": ("Ô in nghiêng: giá trị tính theo công thức. Ô tô màu: có phát hiện khi kiểm tra.", "Italic cells: computed by formula. Coloured cells: the check found something there."),
    # The signature block of the official form (Người lập biểu / Thủ trưởng đơn vị).
    "report-sign-date": ("……, ngày …… tháng …… năm ……", "……, date …… / …… / ……"),
    "report-sign-preparer": ("Người lập biểu", "Prepared by"),
    "report-sign-preparer-hint": ("(Ký, ghi rõ họ tên)", "(Signature and full name)"),
    "report-sign-head": ("Thủ trưởng đơn vị", "Head of unit"),
    "report-sign-head-hint": ("(Ký tên, đóng dấu)", "(Signature and seal)"),
    "report-row-word": ("dòng", "row"),
    "period-from-date": (
        "Kỳ báo cáo {period} chỉ được suy ra từ ngày ký văn bản; nếu báo cáo thuộc kỳ khác "
        "(ví dụ báo cáo năm trước gửi vào đầu năm nay), hãy ghi rõ bằng --period.",
        "The period {period} is only inferred from the date the document was signed; if the report "
        "covers another period (e.g. last year's report sent early this year), give it with --period.",
    ),
    "period-year": ("Năm {year}", "{year}"),
    "period-quarter": ("Quý {roman} năm {year}", "{year} Q{quarter}"),
    "period-h1": ("6 tháng đầu năm {year}", "{year} first half"),
    "period-h2": ("6 tháng cuối năm {year}", "{year} second half"),
    "period-9m": ("9 tháng năm {year}", "{year} nine months"),
    "period-month": ("Tháng {month} năm {year}", "{year}-{month2}"),
    "spec-show-document": ("Căn cứ: {doc}", "Based on: {doc}"),
    "spec-show-no-form": ("Không có biểu '{form}'. Các biểu: {forms}.", "No form '{form}'. Forms: {forms}."),
    "spec-show-all-levels": ("tất cả", "all"),
    "spec-show-rules": ("Quy tắc kiểm tra ({n}):", "Checking rules ({n}):"),
    "spec-show-col-stt": ("STT", "STT"),
    "spec-show-col-name": ("Chỉ tiêu", "Indicator"),
    "spec-show-col-unit": ("Đơn vị tính", "Unit"),
    "spec-show-col-type": ("Kiểu", "Type"),
    "spec-show-col-levels": ("Cấp", "Levels"),
    "spec-show-col-formula": ("Công thức", "Formula"),
    "spec-show-col-id": ("Mã", "Id"),
    "spec-show-col-severity": ("Mức", "Severity"),
    "spec-show-col-expr": ("Biểu thức", "Expression"),
    "diff-col-change": ("Thay đổi", "Change"),
    "diff-col-old": ("Cũ", "Old"),
    "diff-col-new": ("Mới", "New"),
    "diff-col-detail": ("Chi tiết", "Detail"),
    "policy-blank": ("để trống (không phát sinh)", "left blank (nothing to report)"),
    "spec-provider-file": ("tệp", "file"),
    # --- the web server's pages (cchc_engine/server: texts.t('x') is 'page-x') -----------
    "page-app-name": ("Báo cáo CCHC", "CCHC reports"),
    "page-nav-my-unit": ("Báo cáo của đơn vị", "My unit's reports"),
    "page-nav-board": ("Tình hình nộp báo cáo", "Submission board"),
    "page-nav-chart": ("Biểu đồ", "Charts"),
    "page-nav-admin": ("Quản trị", "Administration"),
    "page-role-unit": ("Đơn vị báo cáo", "Reporting unit"),
    "page-role-reviewer": ("Cán bộ thẩm định", "Reviewer"),
    "page-role-admin": ("Quản trị viên", "Administrator"),
    "page-role": ("Vai trò", "Role"),
    "page-logout": ("Đăng xuất", "Sign out"),
    "page-login": ("Đăng nhập", "Sign in"),
    "page-login-title": ("Đăng nhập hệ thống báo cáo CCHC", "Sign in to the CCHC reports"),
    "page-username": ("Tên đăng nhập", "Username"),
    "page-password": ("Mật khẩu", "Password"),
    "page-login-wrong": ("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password."),
    "page-login-blocked": (
        "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút.",
        "Too many failed sign-ins. Please try again in {minutes} minutes.",
    ),
    "page-forbidden": (
        "Tài khoản của bạn không có quyền xem hoặc làm việc này.",
        "Your account may not see or do this.",
    ),
    "page-not-found": ("Không tìm thấy trang hoặc báo cáo này.", "This page or report was not found."),
    "page-back-home": ("Về trang chính", "Back to the start page"),
    "page-period": ("Kỳ báo cáo", "Period"),
    "page-show": ("Xem", "Show"),
    "page-upload-title": ("Nộp báo cáo {period}", "Send the report for {period}"),
    "page-upload-drop": ("Chọn hoặc kéo thả tệp báo cáo vào đây", "Choose or drop the report file here"),
    "page-upload-formats": (
        "Excel (.xlsx, .xls), LibreOffice (.ods), Word (.docx) hoặc văn bản; tối đa {mb} MB.",
        "Excel (.xlsx, .xls), LibreOffice (.ods), Word (.docx) or text; at most {mb} MB.",
    ),
    "page-upload-paste": ("Hoặc dán bảng số liệu", "Or paste the table"),
    "page-upload-paste-hint": (
        "Dán các dòng của bảng phụ lục (STT, chỉ tiêu, đơn vị tính, số liệu)",
        "Paste the appendix rows (STT, indicator, unit, value)",
    ),
    "page-upload-send": ("Gửi và kiểm tra", "Send and check"),
    "page-upload-empty": ("Chưa chọn tệp hoặc dán nội dung.", "No file chosen and nothing pasted."),
    "page-upload-refused": ("Không đọc được báo cáo:", "The report could not be read:"),
    "page-history": ("Các lần nộp và ý kiến thẩm định", "Versions and reviewer's remarks"),
    "page-version": ("Lần nộp", "Version"),
    "page-file": ("Tệp", "File"),
    "page-sent-at": ("Thời gian", "When"),
    "page-by": ("Người thực hiện", "By"),
    "page-errors": ("Lỗi", "Errors"),
    "page-warnings": ("Cảnh báo", "Warnings"),
    "page-status": ("Trạng thái", "Status"),
    "page-status-missing": ("Chưa nộp", "Not submitted"),
    "page-status-errors": ("Còn lỗi", "Errors open"),
    "page-status-warnings": ("Còn cảnh báo", "Warnings open"),
    "page-status-valid": ("Chờ duyệt", "Awaiting review"),
    "page-status-received": ("Đã nhận", "Received"),
    "page-status-returned": ("Trả lại", "Returned"),
    "page-status-approved": ("Đã duyệt", "Approved"),
    "page-no-versions": ("Chưa có lần nộp nào trong kỳ này.", "Nothing sent for this period yet."),
    "page-remarks": ("Ý kiến thẩm định", "Reviewer's remarks"),
    "page-action-approve": ("Phê duyệt", "Approved"),
    "page-action-return": ("Trả lại", "Returned"),
    "page-summary": (
        "{errors} lỗi · {warnings} cảnh báo · {infos} lưu ý",
        "{errors} errors · {warnings} warnings · {infos} notes",
    ),
    "page-download-xlsx": ("Tải Excel", "Download Excel"),
    "page-download-docx": ("Tải Word", "Download Word"),
    "page-download-json": ("Tải JSON", "Download JSON"),
    "page-download-csv": ("Tải CSV", "Download CSV"),
    "page-download-original": ("Tệp đã nộp", "File as sent"),
    "page-back-unit": ("Các lần nộp", "All versions"),
    "page-not-current": (
        "Đây không phải lần nộp mới nhất của kỳ này.",
        "This is not the latest version for this period.",
    ),
    "page-your-form": ("Biểu mẫu của đơn vị", "Your form"),
    "page-no-grid": (
        "Không hiển thị được bảng của tệp này; xem danh sách phát hiện.",
        "This file's table cannot be shown; see the findings.",
    ),
    "page-pasted-text": ("Nội dung dán", "Pasted text"),
    "page-rows-hidden": ("Còn {n} dòng không hiển thị.", "{n} more rows not shown."),
    "page-findings": ("Kết quả kiểm tra", "Findings"),
    "page-no-findings": ("Không có lỗi hay cảnh báo.", "No errors or warnings."),
    "page-sev-error": ("Lỗi", "Error"),
    "page-sev-warning": ("Cảnh báo", "Warning"),
    "page-sev-info": ("Lưu ý", "Note"),
    "page-explained": ("Giải trình:", "Explanation:"),
    "page-explain-hint": ("Giải trình: vì sao số liệu này đúng hoặc không sửa được…", "Explain why this figure is right or cannot change…"),
    "page-explain-send": ("Gửi giải trình", "Send explanation"),
    "page-review-title": ("Thẩm định", "Review"),
    "page-review-reason": ("Ý kiến (bắt buộc khi trả lại)", "Remarks (required to return)"),
    "page-review-need-action": ("Hãy chọn Phê duyệt hoặc Trả lại.", "Choose Approve or Return."),
    "page-approve": ("Phê duyệt", "Approve"),
    "page-return": ("Trả lại", "Return"),
    "page-send-corrected": ("Nộp bản đã sửa", "Send a corrected file"),
    "page-diff-title": ("Thay đổi so với lần nộp trước", "Changes from the previous version"),
    "page-diff-first": ("Đây là lần nộp đầu tiên.", "This is the first version."),
    "page-diff-none": ("Số liệu không đổi so với lần {version}.", "No value changed since version {version}."),
    "page-diff-against": ("{n} chỉ tiêu khác lần {version}:", "{n} indicators differ from version {version}:"),
    "page-indicator": ("Chỉ tiêu", "Indicator"),
    "page-board-title": ("Tình hình nộp báo cáo", "Submission board"),
    "page-compile": ("Tổng hợp", "Compile"),
    "page-compile-all": ("cả báo cáo chưa duyệt", "include reports not yet approved"),
    "page-open-errors": ("Lỗi chưa giải trình", "Open errors"),
    "page-open-warnings": ("Cảnh báo chưa giải trình", "Open warnings"),
    "page-level": ("Cấp", "Level"),
    "page-parent": ("Trực thuộc", "Under"),
    "page-all": ("Tất cả", "All"),
    "page-filter": ("Lọc", "Filter"),
    "page-unit": ("Đơn vị", "Unit"),
    "page-units-total": ("{n} đơn vị", "{n} units"),
    "page-compiled-title": ("Báo cáo tổng hợp", "Compiled report"),
    "page-compiled-summary": (
        "Tổng hợp từ {included} đơn vị; {missing} đơn vị chưa nộp",
        "Compiled from {included} units; {missing} units have not sent",
    ),
    "page-compiled-values": ("Số liệu tổng hợp", "Compiled values"),
    "page-missing-units": ("Đơn vị chưa nộp", "Units that have not sent"),
    "page-download-compiled": ("Tải báo cáo tổng hợp (Excel)", "Download the compiled report (Excel)"),
    "page-download-matrix": ("Tải bảng số liệu các đơn vị", "Download the units' matrix"),
    "page-download-missing": ("Tải danh sách chưa nộp", "Download who is missing"),
    "page-unit-of-measure": ("Đơn vị tính", "Unit"),
    "page-value": ("Số liệu", "Value"),
    "page-chart-title": ("Biểu đồ chỉ tiêu", "Indicator charts"),
    "page-bars-title": ("{name} — các đơn vị, {period}", "{name} — units, {period}"),
    "page-line-title": ("{name} — qua các kỳ", "{name} — across periods"),
    "page-line-of": ("Đơn vị (biểu đồ đường)", "Unit (line)"),
    "page-units-title": ("Đơn vị", "Units"),
    "page-units-csv": ("Nhập từ CSV", "Import from CSV"),
    "page-units-csv-help": (
        "Các cột: code, name, level (mã cấp trong bộ chỉ tiêu: tinh, huyen, xa), parent (mã đơn vị cấp trên).",
        "Columns: code, name, level (the spec's level id: tinh, huyen, xa), parent (the parent unit's code).",
    ),
    "page-units-csv-bad": (
        "Tệp CSV không đúng: cần UTF-8 với các cột code, name, level, parent và mỗi dòng có code, name, level.",
        "The CSV is not usable: UTF-8 with columns code, name, level, parent, and code, name, level on every row.",
    ),
    "page-units-imported": ("Đã nhập {n} đơn vị.", "{n} units imported."),
    "page-import": ("Nhập", "Import"),
    "page-code": ("Mã đơn vị", "Unit code"),
    "page-accounts-title": ("Tài khoản", "Accounts"),
    "page-account-create": ("Tạo tài khoản", "Create account"),
    "page-account-bad": (
        "Không tạo được tài khoản: tên đã có, vai trò sai, mã đơn vị không tồn tại hoặc mật khẩu dưới 8 ký tự.",
        "Account not created: the name exists, the role is wrong, the unit code is unknown or the password has under 8 characters.",
    ),
    "page-account-made": ("Đã tạo tài khoản {username}.", "Account {username} created."),
    "page-token-title": ("Mã truy cập API mới", "New API token"),
    "page-token-once": ("Mã truy cập API (chỉ hiển thị một lần, hãy lưu lại):", "API token (shown once: keep it now):"),
    "page-specs-title": ("Bộ chỉ tiêu", "Specs"),
    "page-spec-in-use": ("Đang dùng", "In use"),
    "page-plugins-title": ("Phần mở rộng", "Plugins"),
    "page-plugin": ("Phần mở rộng", "Plugin"),
    "page-plugin-version": ("Phiên bản", "Version"),
    "page-gives": ("Cung cấp", "Provides"),
    "page-audit-title": ("Nhật ký thao tác", "Audit log"),
    "page-action": ("Thao tác", "Action"),
    "page-object": ("Đối tượng", "Object"),
    "page-period-year": ("Năm {year}", "Year {year}"),
    "page-period-quarter": ("Quý {roman} năm {year}", "Q{n} {year}"),
    "page-period-h1": ("6 tháng đầu năm {year}", "First half of {year}"),
    "page-period-h2": ("6 tháng cuối năm {year}", "Second half of {year}"),
    "page-period-9m": ("9 tháng năm {year}", "Nine months of {year}"),
    # --- expressions (expr.py): details of spec-expression and friends ---
    "expr-at-position": ("{message} (vị trí {position})", "{message} (position {position})"),
    "expr-end": ("hết biểu thức", "end of expression"),
    "expr-bad-character": ("ký tự không hợp lệ '{char}'", "invalid character '{char}'"),
    "expr-expected": ("cần '{want}' nhưng gặp '{got}'", "expected '{want}' but found '{got}'"),
    "expr-nested-too-deep": ("biểu thức lồng nhau quá {max} mức", "expression nested deeper than {max} levels"),
    "expr-extra": ("thừa '{text}'", "unexpected trailing '{text}'"),
    "expr-chained-comparison": ("không được nối hai phép so sánh; dùng 'and'", "comparisons cannot be chained; use 'and'"),
    "expr-constant-too-large": ("hằng số quá lớn (tối đa {max})", "constant too large (at most {max})"),
    "expr-unexpected": ("không mong đợi '{text}'", "unexpected '{text}'"),
    "expr-unknown-function": ("hàm không được hỗ trợ '{name}' (có: {functions})", "unsupported function '{name}' (known: {functions})"),
    "expr-arity": ("hàm '{name}' cần {want} đối số, có {got}", "function '{name}' takes {want} argument(s), got {got}"),
    "expr-not-text": ("biểu thức phải là chuỗi ký tự", "an expression must be a string"),
    "expr-too-long": ("biểu thức dài quá {max} ký tự", "expression longer than {max} characters"),
    "expr-empty": ("biểu thức rỗng", "empty expression"),
    "expr-too-deep": ("biểu thức lồng nhau quá sâu", "expression nested too deep"),
    "expr-chain-too-long": (
        "biểu thức có chuỗi phép tính quá dài ({height} tầng, tối đa {max}); hãy dùng sum(...)",
        "expression chain too long ({height} levels, at most {max}); use sum(...)",
    ),
    "expr-not-needs-condition": ("'not' chỉ dùng với điều kiện đúng/sai", "'not' applies to a true/false condition only"),
    "expr-logic-needs-conditions": ("'{op}' chỉ nối các điều kiện đúng/sai", "'{op}' joins true/false conditions only"),
    "expr-compare-condition": ("không so sánh '{op}' một điều kiện đúng/sai", "a true/false condition cannot be compared with '{op}'"),
    "expr-choice-compare": (
        "câu trả lời mã hóa (choice) chỉ so sánh bằng '==' hoặc '!='",
        "a coded answer (choice) is compared with '==' or '!=' only",
    ),
    "expr-function-argument": ("hàm '{name}': {detail}", "function '{name}': {detail}"),
    "expr-ref-not-number": (
        "'{ref}' là câu trả lời mã hóa hoặc điều kiện, không dùng trong phép tính",
        "'{ref}' is a coded answer or a condition, not a number for arithmetic",
    ),
    "expr-needs-number": ("phép tính cần số, không phải điều kiện đúng/sai", "arithmetic needs numbers, not true/false conditions"),
    "expr-text-ref": ("'{ref}' là chỉ tiêu văn bản (text), không dùng trong biểu thức", "'{ref}' is a text indicator, not usable in an expression"),
    "expr-unknown-ref": ("không có chỉ tiêu '{ref}'", "no indicator '{ref}'"),
    "expr-group-ref": ("'{ref}' là dòng tiêu đề", "'{ref}' is a heading row"),
    "spec-formula-not-number": (
        "công thức phải cho ra một số, không phải điều kiện đúng/sai",
        "a formula must give a number, not a true/false condition",
    ),
    "spec-rule-not-condition": (
        "quy tắc phải là một điều kiện (so sánh), không phải một số",
        "a rule must be a condition (a comparison), not a number",
    ),
    "spec-type-no-formula": ("chỉ tiêu kiểu {type} không có công thức", "an indicator of type {type} has no formula"),
    "spec-aggregate-formula": ("'{id}': cách tổng hợp 'formula' cần có công thức", "'{id}': aggregate 'formula' needs a formula"),
    "spec-aggregate-count": ("'{id}': 'count' chỉ dùng cho câu trả lời mã hóa", "'{id}': 'count' is for coded answers only"),
    "spec-aggregate-sum": (
        "'{id}' kiểu {type} không cộng dồn được (không bao giờ cộng hay lấy trung bình tỷ lệ)",
        "'{id}' of type {type} cannot be summed (ratios are never added or averaged)",
    ),
    "spec-aggregate-minmax": ("'{id}' kiểu {type} không có min/max", "'{id}' of type {type} has no min/max"),
    # --- YAML and spec schema (spec/loader.py) ---
    "yaml-colon-here": (
        "dấu ':' không được phép ở đây (thụt lề sai, hoặc giá trị có ':' cần đặt trong ngoặc kép)",
        "':' is not allowed here (wrong indentation, or a value with ':' needs quotes)",
    ),
    "yaml-indentation": ("thụt lề không khớp với các dòng phía trên", "the indentation does not match the lines above"),
    "yaml-expected-dash": ("cần dấu '-' của một phần tử danh sách (thụt lề sai?)", "a list item's '-' is expected (wrong indentation?)"),
    "yaml-bad-character": (
        "ký tự không thể mở đầu một giá trị (thụt lề bằng tab? '@' hay '`' ở đầu cần ngoặc kép)",
        "a character that cannot start a value (a tab for indentation? '@' or '`' at the start needs quotes)",
    ),
    "yaml-unexpected-end": ("tệp kết thúc khi chuỗi hay ngoặc còn mở", "the file ends while a string or a bracket is still open"),
    "yaml-flow-sequence": ("thiếu ',' hoặc ']'", "',' or ']' is missing"),
    "yaml-flow-mapping": ("thiếu ',' hoặc '}}'", "',' or '}}' is missing"),
    "yaml-undefined-alias": ("alias '*…' chưa được khai báo bằng '&…'", "the alias '*…' has no '&…' anchor"),
    "yaml-duplicate-anchor": ("anchor '&…' bị khai báo hai lần", "the anchor '&…' is declared twice"),
    "yaml-one-document": ("chỉ được có một tài liệu (bỏ dòng '---' thứ hai)", "only one document is allowed (remove the second '---')"),
    "yaml-tag": ("không được dùng thẻ '!…'", "tags ('!…') are not allowed"),
    "yaml-escape": ("dấu '\\' không hợp lệ trong chuỗi ngoặc kép", "an invalid '\\' escape in a double-quoted string"),
    "yaml-expected-colon": ("thiếu dấu ':' sau khóa", "':' is missing after the key"),
    "yaml-duplicate-key": ("khóa '{key}' bị lặp (lần đầu ở dòng {line})", "key '{key}' repeated (first at line {line})"),
    "yaml-alias-cycle": ("alias '*{anchor}' tự tham chiếu (vòng lặp)", "alias '*{anchor}' refers to itself (a loop)"),
    "yaml-too-deep": ("lồng quá {max} mức, từ cột {column}", "nested deeper than {max} levels, from column {column}"),
    "yaml-too-many-nodes": ("hơn {max} nút sau khi mở rộng alias", "more than {max} nodes once aliases are expanded"),
    "yaml-too-much-text": ("hơn {max} MB văn bản sau khi mở rộng alias", "more than {max} MB of text once aliases are expanded"),
    "yaml-too-big": ("lớn hơn {max} MB", "larger than {max} MB"),
    "yaml-not-utf8": ("không phải UTF-8 (byte {byte})", "not UTF-8 (byte {byte})"),
    "spec-not-mapping": ("tệp bộ chỉ tiêu phải là một ánh xạ (mapping) YAML", "a spec file must be a YAML mapping"),
    "spec-model-period-kind": (
        "kỳ không hợp lệ trong periods.windows: {kinds} (dùng Q1..Q4, H1, H2, 9M, M01..M12, Y)",
        "invalid period kind in periods.windows: {kinds} (use Q1..Q4, H1, H2, 9M, M01..M12, Y)",
    ),
    "spec-model-time-type": (
        "chỉ tiêu '{id}' kiểu {type} không có 'time' (chỉ dùng cho số liệu)",
        "indicator '{id}' of type {type} cannot have 'time' (figures only)",
    ),
    "spec-model-count-code": ("aggregate 'count' cần mã câu trả lời, ví dụ 'count:1'", "aggregate 'count' needs an answer code, e.g. 'count:1'"),
    "spec-model-choice-needs-choices": ("chỉ tiêu '{id}' kiểu choice phải khai báo 'choices'", "indicator '{id}' of type choice must declare 'choices'"),
    "spec-model-choices-not-choice": (
        "chỉ tiêu '{id}' không phải kiểu choice, count hay number nhưng có 'choices'",
        "indicator '{id}' is not of type choice, count or number but has 'choices'",
    ),
    "spec-model-field-needs": ("chỉ tiêu '{id}': '{field}' chỉ dùng cùng {needs}", "indicator '{id}': '{field}' is only used with {needs}"),
    "spec-model-group-formula": ("chỉ tiêu '{id}' kiểu group không có công thức", "indicator '{id}' of type group has no formula"),
    "spec-model-group-value": (
        "chỉ tiêu '{id}' kiểu group không mang số liệu (bỏ children_total/note_of hoặc đổi kiểu)",
        "indicator '{id}' of type group carries no value (drop children_total/note_of or change its type)",
    ),
    "spec-model-note-of-row": (
        "chỉ tiêu '{id}' đọc từ Ghi chú (note_of) nên không có dòng riêng: row phải là 'none'",
        "indicator '{id}' is read from a Ghi chú (note_of), so it has no row of its own: row must be 'none'",
    ),
    "spec-model-none-children": (
        "chỉ tiêu '{id}' không có dòng in (row: none) thì không có chỉ tiêu con",
        "indicator '{id}' has no printed row (row: none), so it cannot have children",
    ),
    "spec-model-missing": (
        "thiếu {what} (chỉ được bỏ trống khi bộ chỉ tiêu kế thừa bằng 'extends')",
        "{what} missing (may be left out only when the spec inherits with 'extends')",
    ),
    "spec-model-ops-need-extends": (
        "các thao tác kế thừa (add, replace, remove, move, renumber, rules.add) cần 'extends'",
        "the inheritance operations (add, replace, remove, move, renumber, rules.add) need 'extends'",
    ),
    "schema-missing": ("thiếu trường bắt buộc", "required field missing"),
    "schema-extra": ("trường không được hỗ trợ (gõ sai tên?)", "unknown field (a typo?)"),
    "schema-literal": ("giá trị không hợp lệ; cho phép: {expected}", "invalid value; allowed: {expected}"),
    "schema-id-pattern": (
        "sai định dạng mã (chỉ chữ thường không dấu, số, '_' và '.')",
        "malformed id (lower-case ASCII letters, digits, '_' and '.' only)",
    ),
    "schema-string": ("phải là chuỗi ký tự", "must be a string"),
    "schema-int": ("phải là số nguyên", "must be an integer"),
    "schema-list": ("phải là một danh sách", "must be a list"),
    "schema-mapping": ("phải là một ánh xạ", "must be a mapping"),
    "schema-number": ("phải là một số", "must be a number"),
    "schema-bool": ("phải là true hoặc false", "must be true or false"),
    "schema-union": ("giá trị không thuộc kiểu nào được phép", "the value is of none of the allowed types"),
    "schema-empty": ("không được để trống", "must not be empty"),
    "expr-present-argument": (
        "hàm 'present' nhận đúng một mã chỉ tiêu, ví dụ present(tong_so)",
        "function 'present' takes exactly one indicator id, e.g. present(tong_so)",
    ),
    "spec-show-col-scope": ("Áp dụng", "Applies to"),
    # --- plain inputs (readers/plain.py): details of file-unreadable ---
    "plain-is-workbook": (
        "là tệp Excel/tệp nén, không phải văn bản; hãy dùng đuôi .xlsx",
        "is an Excel/zip file, not text; use the .xlsx suffix",
    ),
    "plain-binary": ("tệp nhị phân, không phải văn bản (CSV/JSON/YAML)", "a binary file, not text (CSV/JSON/YAML)"),
    "plain-encoding": (
        "không đọc được bảng mã (byte {byte}); hãy lưu lại dạng UTF-8",
        "unknown text encoding (byte {byte}); save it again as UTF-8",
    ),
    "plain-too-deep": ("cấu trúc lồng nhau quá sâu", "nested too deep"),
    "plain-csv-invalid": ("CSV không hợp lệ: {detail}", "invalid CSV: {detail}"),
    "plain-unreadable": ("nội dung không đọc được ({detail})", "unreadable content ({detail})"),
    "plain-too-large": ("tệp quá lớn ({size} MB)", "file too large ({size} MB)"),
    "plain-empty": ("tệp rỗng", "empty file"),
    "plain-values-not-mapping": (
        "'values' phải là một ánh xạ {{mã chỉ tiêu hoặc STT: giá trị}}",
        "'values' must be a mapping {{indicator id or STT: value}}",
    ),
    "plain-json-invalid": ("JSON không hợp lệ: {detail}", "invalid JSON: {detail}"),
    "json-at": ("{problem} (dòng {line}, cột {column})", "{problem} (line {line}, column {column})"),
    "json-at-column": ("{problem} (cột {column})", "{problem} (column {column})"),
    "toml-at-end": ("{problem} (ở cuối tệp)", "{problem} (at the end of the file)"),
    "toml-value-twice": ("khóa này đã được gán giá trị (mỗi khóa chỉ gán một lần)", "this key already has a value (set each key once)"),
    "toml-table-twice": ("bảng này đã được khai báo (mỗi [bảng] chỉ khai báo một lần)", "this table is declared already (declare each [table] once)"),
    "toml-unterminated-string": ("chuỗi chưa có dấu ngoặc kép đóng", "a string has no closing quote"),
    "toml-unclosed": ("thiếu dấu đóng ngoặc ']' hoặc '}}'", "a closing ']' or '}}' is missing"),
    "toml-table-bracket": ("thiếu dấu ']' ở cuối tên bảng, ví dụ [plugins.cchc-phu-tho]", "a ']' is missing after the table name, e.g. [plugins.cchc-phu-tho]"),
    "toml-expected-equals": ("thiếu dấu '=' sau tên khóa (khóa = giá trị)", "an '=' is missing after the key (key = value)"),
    "toml-invalid-key": ("tên khóa không hợp lệ (tên có dấu hoặc khoảng trắng cần đặt trong ngoặc kép \"…\")", "an invalid key (a key with accents or spaces needs quotes \"…\")"),
    "toml-invalid-value": ("giá trị không hợp lệ (chữ cần đặt trong ngoặc kép \"…\"; số, true/false thì không)", "an invalid value (text needs quotes \"…\"; numbers and true/false do not)"),
    "toml-invalid-statement": ("dòng không hợp lệ: cần 'khóa = giá trị' hoặc '[bảng]', mỗi thứ một dòng", "an invalid line: 'key = value' or '[table]' expected, one per line"),
    "toml-invalid-date": ("ngày giờ không hợp lệ", "an invalid date or time"),
    "toml-illegal-character": (
        "ký tự không được phép ở đây (chuỗi thiếu dấu ngoặc kép đóng, hoặc có ký tự điều khiển)",
        "a character not allowed here (a string without its closing quote, or a control character)",
    ),
    "toml-bad-escape": (
        "dấu '\\' trong chuỗi \"…\" phải viết là '\\\\' (hoặc dùng ngoặc đơn '…')",
        "a '\\' inside \"…\" must be written '\\\\' (or use single quotes '…')",
    ),
    "config-too-large": ("tệp lớn hơn {max} MB (tệp cấu hình chỉ vài dòng)", "the file is over {max} MB (a configuration file is a few lines)"),
    "config-too-deep": (
        "các mảng hay bảng lồng nhau quá sâu để đọc; plugin dùng giá trị mặc định",
        "arrays or tables nested too deep to read; the plugin uses its defaults",
    ),
    "json-expecting-value": ("thiếu giá trị (hoặc có dấu phẩy thừa)", "a value is expected (or a comma is extra)"),
    "json-expecting-property": (
        "cần tên khóa trong ngoặc kép \"…\" (dấu phẩy thừa trước '}}'?)",
        "a key in double quotes \"…\" is expected (an extra comma before '}}'?)",
    ),
    "json-expecting-colon": ("thiếu dấu ':' sau tên khóa", "':' is missing after the key"),
    "json-expecting-comma": ("thiếu dấu ',' giữa hai phần tử (hoặc thiếu dấu đóng ngoặc)", "',' is missing between two items (or a closing bracket)"),
    "json-unterminated-string": ("chuỗi mở ngoặc kép ở đây chưa được đóng", "the string opened here is not closed"),
    "json-control-character": ("ký tự điều khiển (xuống dòng, tab…) nằm trong chuỗi", "a control character (newline, tab…) inside a string"),
    "json-invalid-escape": ("dấu '\\' không hợp lệ trong chuỗi (viết '\\\\' cho một dấu '\\')", "an invalid '\\' escape in a string (write '\\\\' for one '\\')"),
    "json-invalid-unicode-escape": ("mã \\uXXXX không hợp lệ trong chuỗi", "an invalid \\uXXXX escape in a string"),
    "json-extra-data": ("còn nội dung sau khi dữ liệu JSON đã kết thúc", "more content after the JSON value has ended"),
    "json-trailing-comma": ("dấu phẩy thừa trước dấu đóng ngoặc", "an extra comma before the closing bracket"),
    "csv-field-too-long": ("có một ô dài hơn {limit} ký tự", "a field is longer than {limit} characters"),
    "csv-nul": ("có ký tự NUL (tệp nhị phân?)", "a NUL character (a binary file?)"),
    "input-invalid-other": ("nội dung không hợp lệ", "invalid content"),
    "input-more-problems": ("(và {n} lỗi khác)", "(and {n} more)"),
    "result-json-invalid": ("không phải tệp kết quả JSON hợp lệ của cchc: {detail}", "not a valid cchc result JSON: {detail}"),
    "plain-not-mapping": ("nội dung phải là một ánh xạ có khóa 'values'", "the content must be a mapping with a 'values' key"),
    "os-no-such-file": ("không có tệp hay thư mục này", "no such file or directory"),
    "os-permission": ("không có quyền truy cập", "permission denied"),
    "os-is-directory": ("là một thư mục", "is a directory"),
    "os-no-space": ("hết chỗ trống trên đĩa", "no space left on the disk"),
    "os-read-only": ("ổ đĩa chỉ đọc", "read-only file system"),
    "os-not-directory": ("một phần của đường dẫn không phải thư mục", "a part of the path is not a directory"),
    "os-link-loop": ("liên kết (symlink) vòng quanh, không dẫn tới tệp nào", "a symlink loop that leads to no file"),
    "os-name-too-long": ("tên tệp quá dài", "file name too long"),
    "os-io": ("lỗi đọc ghi thiết bị", "input/output error"),
    "os-no-reader": ("không có chương trình nào đang đọc ở đầu kia (FIFO) hay thiết bị không sẵn sàng", "nothing is reading at the other end (a FIFO), or the device is not there"),
    "os-file-too-big": ("tệp vượt quá giới hạn kích thước cho phép", "file too large for the allowed size"),
    "location-row": ("dòng {row}", "row {row}"),
    "table-sheet-name": ("Bảng", "Table"),
    "location-table-row": ("Bảng {table}, dòng {row}", "Table {table}, row {row}"),
    "location-table-column": ("{place}, cột {column}", "{place}, column {column}"),
    "none-installed": ("(không có)", "(none)"),
    "is-a-directory": ("là một thư mục", "is a directory"),
    "meta-level": ("cấp báo cáo (tỉnh/huyện/xã)", "reporting level (tinh/huyen/xa)"),
    "meta-level-unsaid": ("không ghi cấp", "no level stated"),
    "meta-spec": ("bộ chỉ tiêu (báo cáo không ghi năm)", "spec (the report states no year)"),
    "meta-period": ("kỳ báo cáo", "reporting period"),
    "meta-period-option": ("--period (ví dụ 2023-Q3)", "--period (e.g. 2023-Q3)"),
    "meta-unit": ("tên đơn vị báo cáo", "reporting unit's name"),
    "meta-unit-option": ("--unit hoặc tiêu đề 'UBND XÃ …'", "--unit or a title such as 'UBND XÃ …'"),
    # --- output and CLI -------------------------------------------------------
    "output-is-input": (
        "Tệp kết quả '{file}' trùng với tệp đầu vào; chọn tên khác để không ghi đè dữ liệu gốc.",
        "Output '{file}' is the input file; choose another name so the original is not overwritten.",
    ),
    "unknown-format": (
        "Định dạng '{format}' chưa được cài. Các định dạng có sẵn: {formats}.",
        "Format '{format}' is not installed. Available: {formats}.",
    ),
    "file-not-regular": (
        "'{file}' không phải là tệp thông thường (FIFO, thiết bị hoặc socket); hãy chỉ ra một tệp báo cáo.",
        "'{file}' is not a regular file (a FIFO, device or socket); give a report file.",
    ),
    "write-failed": ("Không ghi được tệp '{file}': {error}", "Cannot write '{file}': {error}"),
    "output-is-directory": (
        "'{file}' là một thư mục; hãy ghi rõ tên tệp kết quả, ví dụ {file}/ket-qua.xlsx.",
        "'{file}' is a directory; give the output file's name, e.g. {file}/ket-qua.xlsx.",
    ),
    "output-foreign-link": (
        "'{file}' là liên kết (symlink) của tài khoản khác trong thư mục dùng chung ({link}); không ghi theo nó. Hãy ghi vào tên khác.",
        "'{file}' is a symlink another account made in a shared folder ({link}); not followed. Write to another name.",
    ),
    "output-foreign-file": (
        "'{file}' là tệp của tài khoản khác trong thư mục dùng chung; không ghi đè lên nó. Hãy ghi vào tên khác.",
        "'{file}' belongs to another account in a shared folder; not replaced. Write to another name.",
    ),
    "output-not-regular": (
        "'{file}' không phải tệp thường (thiết bị khối hay socket); không ghi vào đó.",
        "'{file}' is not a regular file (a block device or socket); nothing written there.",
    ),
    "format-suffix-unknown": (
        "Không có định dạng nào của lệnh '{command}' ghi tệp đuôi '{suffix}'. Dùng một trong: {suffixes}, hoặc chọn bằng -f.",
        "No format of '{command}' writes '{suffix}' files. Use one of: {suffixes}, or choose with -f.",
    ),
    "format-not-for-command": (
        "Định dạng '{format}' không dùng được với lệnh '{command}'. Các định dạng của lệnh này: {formats}.",
        "Format '{format}' cannot be used with '{command}'. This command's formats: {formats}.",
    ),
    "format-needs-file": (
        "Định dạng '{format}' tạo tệp nhị phân, không in ra màn hình được; hãy ghi ra tệp: -o TỆP{suffix} (hoặc -o - để chuyển tiếp).",
        "Format '{format}' makes a binary file that cannot be printed; write it to a file: -o FILE{suffix} (or -o - to pipe it).",
    ),
    "template-suffix": (
        "Phụ lục mẫu là tệp Excel: tên tệp phải có đuôi .xlsx (đang là '{suffix}').",
        "The template is an Excel workbook: the file name must end in .xlsx (not '{suffix}').",
    ),
    "validate-binary-format": (
        "Lệnh validate chỉ in các phát hiện; định dạng '{format}' là một tệp báo cáo: dùng cchc compute … -f {format} -o TỆP{suffix}.",
        "validate only prints the findings; format '{format}' is a report file: use cchc compute … -f {format} -o FILE{suffix}.",
    ),
    "plugin-failed": (
        "Plugin '{plugin}' bị lỗi và đã bị bỏ qua: {error}",
        "Plugin '{plugin}' failed and was skipped: {error}",
    ),
    "plugin-not-loaded": (
        "Plugin '{plugin}' không nạp được nên các kiểm tra của nó không chạy trên báo cáo này: {error}",
        "Plugin '{plugin}' could not be loaded, so its checks did not run on this report: {error}",
    ),
    "duplicate-registration": (
        "{kind} '{name}' được đăng ký hai lần: bởi '{first}' và '{second}'.",
        "{kind} '{name}' registered twice: by '{first}' and by '{second}'.",
    ),
    "reader-suffix-clash": (
        "Hai bộ đọc cùng nhận đuôi tệp '{suffix}': '{first}' (plugin '{first_plugin}') và '{second}' (plugin '{second_plugin}'); dùng '{first}'.",
        "Two readers claim the suffix '{suffix}': '{first}' (plugin '{first_plugin}') and '{second}' (plugin '{second_plugin}'); '{first}' is used.",
    ),
    "coverage-line": (
        "Số liệu trong tệp: {values} dòng có giá trị · đã nhận vào chỉ tiêu: {placed} · không nhận: {dropped}{why}",
        "Values in the file: {values} rows with a value · placed on an indicator: {placed} · not placed: {dropped}{why}",
    ),
    "compute-written": (
        "Đã ghi {file}: {indicators} chỉ tiêu ({reported} báo cáo, {computed} tính toán, {missing} thiếu); "
        "{dropped} giá trị không nhận; {errors} lỗi, {warnings} cảnh báo, {infos} thông tin — {state}.",
        "Wrote {file}: {indicators} indicators ({reported} reported, {computed} computed, {missing} missing); "
        "{dropped} value(s) not placed; {errors} error(s), {warnings} warning(s), {infos} info — {state}.",
    ),
    "summary-valid": ("hợp lệ", "valid"),
    "summary-invalid": ("có lỗi", "has errors"),
    "cli-error-prefix": ("Lỗi: {text}", "Error: {text}"),
    "cli-warning-prefix": ("Cảnh báo: {text}", "Warning: {text}"),
    "cli-interrupted": ("Đã dừng.", "Stopped."),
    # command-line mistakes (cli/usage.py says click's errors with these)
    "cli-usage": ("Cách dùng: {usage}", "Usage: {usage}"),
    "cli-usage-help": ("Xem hướng dẫn: {command}", "For help: {command}"),
    "cli-missing-option": ("Thiếu tùy chọn {name}.", "Missing option {name}."),
    "cli-missing-argument": ("Thiếu đối số {name}.", "Missing argument {name}."),
    "cli-no-such-option": ("Không có tùy chọn '{name}'.", "No such option '{name}'."),
    "cli-no-such-command": ("Không có lệnh '{name}'.", "No such command '{name}'."),
    "cli-did-you-mean": ("Có phải ý bạn là: {names}?", "Did you mean: {names}?"),
    "cli-option-needs-value": ("Tùy chọn '{name}' cần một giá trị.", "Option '{name}' needs a value."),
    "cli-extra-arguments": ("Thừa đối số: {args}.", "Unexpected extra arguments: {args}."),
    "cli-bad-value": ("Giá trị không hợp lệ cho {name}: {problem}", "Invalid value for {name}: {problem}"),
    "cli-value-not-number": ("'{value}' không phải là số.", "'{value}' is not a number."),
    "cli-value-out-of-range": ("{value} nằm ngoài khoảng cho phép ({range}).", "{value} is outside the allowed range ({range})."),
    "cli-value-not-choice": ("'{value}' không phải một trong: {choices}.", "'{value}' is not one of: {choices}."),
    "cli-path-missing": ("{kind} '{path}' không tồn tại.", "{kind} '{path}' does not exist."),
    "cli-kind-file": ("Tệp", "File"),
    "cli-kind-directory": ("Thư mục", "Directory"),
    "cli-kind-path": ("Đường dẫn", "Path"),
    "internal-error": (
        "Lỗi nội bộ: {error}. Hãy chạy lại với --debug và gửi báo lỗi.",
        "Internal error: {error}. Run again with --debug and report it.",
    ),
}


# The official form's own words (the Ministry's template). They are printed in
# Vietnamese whatever the language: officers, and the layout stage reading a file
# back, recognise the form by them.
FORM_TEXT: dict[str, str] = {
    "appendix": "Phụ lục",
    "name": "Chỉ tiêu thống kê",
    "result": "Kết quả thống kê",
    "unit": "Đơn vị tính",
    "value": "Số liệu",
    "note": "Ghi chú",
    "of_which": "Trong đó",
    "table": "Bảng",  # a Word table's sheet name: "Bảng 3" (its position in the report)
}


# Finding codes and their severity, for docs/findings.md and the tests that keep
# codes from disappearing. "stop": the run cannot go on (exit 2, one line);
# "rule": the spec's rule decides; "a/b": it depends (said in the doc's note).
# Every other catalogue entry is interface text (headers, labels, summaries).
FINDING_SEVERITY: dict[str, str] = {
    # spec checking (cchc spec check: exit 1) and loading
    "spec-not-found": "stop", "spec-file-missing": "stop", "spec-yaml-invalid": "stop", "spec-not-a-spec": "stop",
    "spec-yaml-too-large": "stop", "spec-schema": "error", "spec-duplicate-id": "error",
    "spec-duplicate-stt": "error", "spec-unknown-reference": "error", "spec-unknown-level": "error",
    "spec-unknown-choices": "error", "spec-cycle": "error", "spec-type-mismatch": "error",
    "spec-expression": "error", "spec-group-reference": "error", "spec-duplicate-rule": "error",
    "spec-duplicate-choice": "error", "spec-message-placeholder": "error", "spec-duplicate": "error",
    "spec-aggregate": "error", "spec-extends-not-found": "stop", "spec-extends-cycle": "stop",
    "spec-inherit-unknown-id": "error", "spec-inherit-unknown-rule": "error",
    "spec-inherit-unknown-stt": "error", "spec-inherit-position": "error",
    "spec-inherit-move-into-self": "error", "spec-inherit-duplicate-id": "error",
    "spec-inherit-duplicate-rule": "error",
    "lint-breakdown-without-sum": "warning", "lint-ratio-without-formula": "warning",
    "lint-unused-choices": "warning", "lint-spelling-changed": "warning", "lint-previous-unknown": "warning",
    # values
    "invalid-number": "error", "fraction-in-count": "error", "not-integer": "error", "negative-value": "error",
    "percent-out-of-range": "error", "out-of-range": "error", "percent-in-count": "error",
    "unknown-choice": "error", "ambiguous-decimal": "info", "date-not-number": "error",
    "text-too-long": "warning",
    # reading and mapping
    "file-not-found": "stop", "file-unreadable": "stop", "no-reader": "stop", "missing-metadata": "stop",
    "unknown-level": "stop", "invalid-period": "stop", "no-appendix": "stop",
    "spec-inferred": "info", "spec-none-fits": "stop", "spec-ambiguous": "stop",
    "spec-year-mismatch": "warning", "period-contradicts-document": "warning",
    "unmapped-row": "error/warning", "duplicate-row": "error/warning", "stt-mismatch": "info",
    "value-on-group": "info/error", "level-not-reporting": "warning", "formula-cell": "warning",
    "row-shifted": "info", "value-not-placed": "error",
    "merged-value-cell": "warning", "cell-outside-table": "warning", "sheet-unresolvable": "warning", "cells-beyond-columns": "warning",
    "table-span-bounded": "warning", "table-not-read": "warning", "embedded-part-not-read": "error", "note-continued": "info",
    "cell-nested-table": "warning",
    "file-not-regular": "stop",
    # computing and rules
    "period-from-date": "warning", "ratio-rounding": "info", "ratio-truncated": "warning", "ratio-mismatch": "error", "zero-denominator": "info", "computed": "info",
    "rule-missing-operand": "warning", "rule-failed": "rule",
    # compiling
    "aggregate-file-unusable": "error", "aggregate-mixed-spec": "error", "aggregate-wrong-level": "error",
    "aggregate-mixed-periods": "warning", "aggregate-other-period": "warning",
    "aggregate-duplicate-unit": "warning", "aggregate-unit-from-file": "info", "aggregate-unit-invalid": "warning",
    "aggregate-unit-skipped": "warning", "aggregate-unit-finding": "rule", "aggregate-no-files": "stop",
    "aggregate-no-units": "stop", "aggregate-total-too-large": "error",
    # across periods and the store
    "period-checks-skipped": "info", "period-below-contained": "warning", "period-above-containing": "warning",
    "period-cumulative-decreased": "warning", "period-state-jump": "warning",
    "store-unit-not-compiled": "warning", "store-explanation-carried": "info", "store-own-missing": "warning",
    "store-needs-extra": "stop", "store-bad-url": "stop", "store-unusable": "stop", "store-old-schema": "stop",
    "store-busy": "stop", "store-units-file": "stop", "store-unit-parent-unknown": "stop", "store-unit-cycle": "stop",
    "store-unit-unknown": "stop", "store-unit-not-found": "stop", "store-unit-level-unknown": "stop",
    "store-submission-unknown": "stop", "store-no-submission": "stop", "store-spec-needed": "stop",
    "store-explain-empty": "stop", "store-explain-not-allowed": "stop", "store-finding-unknown": "stop",
    "store-return-needs-reason": "stop", "store-review-decision": "stop", "store-review-not-current": "stop", "store-approve-has-errors": "stop",
    "store-bad-role": "stop", "store-account-needs-unit": "stop", "store-account-exists": "stop",
    "store-account-unknown": "stop",
    # plugins
    "plugin-bad-registration": "warning", "plugin-failed": "warning/error", "plugin-not-loaded": "warning/error",
    "duplicate-registration": "error", "reader-suffix-clash": "warning",
    # output and the command line
    "output-is-input": "stop", "output-is-directory": "stop", "output-not-regular": "stop",
    "output-foreign-link": "stop", "output-foreign-file": "stop",
    "unknown-format": "stop", "format-suffix-unknown": "stop", "format-not-for-command": "stop",
    "format-needs-file": "stop", "validate-binary-format": "stop", "template-suffix": "stop",
    "write-failed": "stop", "compare-level-mismatch": "stop", "compare-unit-mismatch": "stop",
    "internal-error": "stop", "spec-show-no-form": "stop",
    # later constructs (spec rows, layout)
    "children-total-mismatch": "spec", "children-total-exceeded": "spec", "sheet-without-header": "warning",
    "lint-rule-on-compiled-count": "warning", "lint-rule-on-uncompiled": "warning",
    "spec-children-total": "error", "spec-extends-outside": "error", "spec-form-marker": "error",
    "spec-id-clash": "stop", "spec-note-of": "error", "spec-count-answers": "error", "spec-row-none-without-source": "warning",
    "legacy-font": "error/warning", "most-rows-unmapped": "error", "scaffold-bad-name": "stop", "scaffold-exists": "stop",
    # plain inputs and values (later additions)
    "duplicate-key": "error", "footnote-mark": "info", "unit-in-value": "info", "none-as-zero": "info", "none-as-blank": "info", "choice-with-detail": "info", "choice-from-count": "info", "count-from-choice": "info", "value-too-large": "error", "values-truncated": "error",
    # plugins (the platform)
    "plugin-bad-return": "warning/error", "plugin-config-invalid": "stop", "plugin-install-failed": "stop", "server-extra-missing": "stop",
    "plugin-item-unusable": "warning", "plugin-message-taken": "stop", "plugin-not-installed": "warning",
    "plugin-sniff-failed": "warning", "plugins-dir-missing": "warning", "plugin-file-skipped": "warning",
    "plugin-read-failed": "stop",
    "plugin-write-failed": "stop",
}

# Values a finding carries beyond its message's placeholders (docs/json-output.md).
EXTRA_VALUES: dict[str, tuple[str, ...]] = {
    "rule-failed": ("rule", "expr", "operands"),
}
# Placeholders a message is rendered with but values do not keep (the rule's own text:
# the rule's id finds it again in the spec, in either language).
MESSAGE_ONLY: dict[str, tuple[str, ...]] = {
    "rule-failed": ("text",),
}


def placeholders(code: str) -> list[str]:
    """The ``{name}`` placeholders of a code's messages (both languages), in order."""
    names: list[str] = []
    for template in CATALOG.get(code, ()):
        for _, name, _, _ in string.Formatter().parse(template):
            if name and name not in names:
                names.append(name)
    return names


_OS_ERRORS = {"ENOENT": "os-no-such-file", "EACCES": "os-permission", "EPERM": "os-permission",
              "EISDIR": "os-is-directory", "ENOSPC": "os-no-space", "EROFS": "os-read-only", "ENOTDIR": "os-not-directory",
              "ELOOP": "os-link-loop", "ENAMETOOLONG": "os-name-too-long", "EIO": "os-io", "ENXIO": "os-no-reader", "EFBIG": "os-file-too-big"}


def os_error(exc: BaseException) -> Any:
    """An OSError as a finding's value: the catalogue's words for it (``said``: 'không có tệp
    này', not 'No such file or directory'), else the system's text."""
    import errno

    name = errno.errorcode.get(getattr(exc, "errno", None) or -1, "")
    if name in _OS_ERRORS:
        return said(_OS_ERRORS[name])  # type: ignore[return-value]  (said where a message shows it)
    return getattr(exc, "strerror", None) or type(exc).__name__


def said(code: str, **values: Any) -> dict[str, Any]:
    """A catalogue message as a finding's value: data (``{"code", "values"}``, what the JSON
    carries) that ``render`` says in the language of the message it is put in, so a store
    can say a finding again in another language. Never a rendered sentence in ``values``."""
    return {"code": code, "values": values}


def _shown(value: Any, lang: str, blank: str) -> str:
    """A value as a message shows it: blank, a nested message (``said``), numbers joined, a number."""
    if value is None:
        return blank
    if isinstance(value, dict) and value.keys() == {"code", "values"} and value["code"] in CATALOG:
        return render(value["code"], value["values"], lang)
    if isinstance(value, list) and value and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return " + ".join(fmt_number(v, lang) for v in value)  # the parts of a sum
    return fmt_number(value, lang)


def fmt_number(value: Any, lang: Optional[str] = None) -> str:
    """1859 → '1.859', 75.86 → '75,86' in Vietnamese; plain in English."""
    lang = lang or get_lang()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int):
        text = f"{value:,}"
        return text.replace(",", ".") if lang == "vi" else text
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


class _Values(dict):
    """Placeholder values: numbers formatted, unknown names left visible."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class _BoundedFormatter(string.Formatter):
    """str.format for templates a spec writes: a width or precision of 4+ digits is ignored.

    ``{x:>3000000000}`` would build a 3 GB string (the process aborted); no
    message needs a field wider than 999 characters.
    """

    def format_field(self, value: Any, format_spec: str) -> Any:
        if format_spec and any(run.isdigit() and len(run) > 3 for run in _digit_runs(format_spec)):
            format_spec = ""
        return super().format_field(value, format_spec)


def _digit_runs(spec: str) -> list[str]:
    runs, cur = [], ""
    for ch in spec:
        if ch.isdigit():
            cur += ch
        elif cur:
            runs.append(cur)
            cur = ""
    return runs + [cur] if cur else runs


def render(code: str, values: Mapping[str, Any], lang: Optional[str] = None, template: Optional[str] = None) -> str:
    """Render ``code``'s message (or ``template``) with ``values``."""
    lang = lang or get_lang()
    if template is None:
        vi, en = CATALOG.get(code, (code, code))
        template = en if lang == "en" else vi
    # None is a blank value: the officer reads "trống", never "None"
    blank = CATALOG["value-blank"][1 if lang == "en" else 0]
    shown = _Values({k: _shown(v, lang, blank) for k, v in values.items()})
    try:
        return _BoundedFormatter().vformat(template, (), shown)
    except (ValueError, IndexError, AttributeError):
        # A malformed template (from a spec) must never crash a run.
        return template
