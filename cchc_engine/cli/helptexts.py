"""The command line's help in Vietnamese (the English is in the code, next to each command).

Commands by their path (``"spec show"``); options by their English help text, as
gettext does (the same text on several commands is translated once). Used when help
is shown (`cchc … --help`) in the officer's language; ``--lang en`` shows the code's
English. tests/test_cli_help.py checks that every command and option of `cchc` has
its Vietnamese here, that nothing here is stale, and that each command's examples
are the English ones.
"""

from __future__ import annotations

COMMANDS: dict[str, str] = {
    "": """cchc: đọc, kiểm tra, tính toán và tổng hợp số liệu thống kê cải cách hành chính (CCHC).

\b
Ví dụ:
  cchc compute --spec 2023 examples/lam-thao-2023-q3.xlsx
  cchc specs
  cchc spec check 2023""",
    "aggregate": """Tổng hợp các báo cáo trong PATHS (tệp hoặc thư mục) thành một báo cáo của --unit ở cấp --level.

\b
Cộng số liệu, tính lại các tỷ lệ từ tử số và mẫu số đã cộng (không lấy trung bình
các tỷ lệ), đếm các câu trả lời; ghi rõ đơn vị nào được tổng hợp, đơn vị nào bị loại và vì sao.
Mã thoát 0: đã tổng hợp, không có lỗi; 1: có báo cáo hoặc tệp có lỗi; 2: không có gì dùng được.
Ví dụ: cchc aggregate --spec 2023 --level huyen --unit "huyện Lâm Thao" bao-cao-xa/ -f matrix-xlsx -o tong-hop.xlsx""",
    "compare": """So sánh hai báo cáo lập theo hai bộ chỉ tiêu khác năm.

\b
Qua bảng đối chiếu (`previous:` trong bộ chỉ tiêu mới, rồi mã trùng nhau, rồi tên
gần giống), liệt kê các chỉ tiêu cả hai báo cáo đều có, với hai giá trị và mức thay
đổi; chỉ tiêu không có cặp vẫn được liệt kê, không bị bỏ.
Ví dụ: cchc compare --spec-old 2021 q3-2021.xlsx --spec-new 2023 q3-2023.xlsx""",
    "compute": """Đọc phụ lục FILE, kiểm tra từng giá trị, tính các chỉ tiêu, xuất báo cáo hoàn chỉnh.

\b
Mã thoát 0: không có lỗi; 1: số liệu có lỗi; 2: lệnh hoặc tệp không dùng được.
Ví dụ: cchc compute --spec 2023 examples/lam-thao-2023-q3.xlsx -f xlsx -o ket-qua.xlsx""",
    "install": """Cài plugin (tên trên PyPI, tệp .whl hoặc thư mục) vào đúng môi trường Python đang chạy cchc.

\b
Ví dụ:
  cchc install cchc-docx
  cchc install ./cchc-ods               # thư mục dự án plugin
  cchc install -e ./cchc-ods            # khi đang phát triển plugin""",
    "new-plugin": """Tạo khung một plugin mới trong thư mục FOLDER (đặt tên dạng cchc-TÊN): cài được,
chạy được và qua được các kiểm thử của nó ngay khi tạo.

\b
Ví dụ:
  cchc new-plugin cchc-html --kind writer && cchc install -e ./cchc-html""",
    "plugins": """Liệt kê plugin đã cài: gói và phiên bản (tên dùng cho `cchc uninstall`), các
hook, những gì mỗi plugin đăng ký và lỗi (nếu có).

\b
Ví dụ:
  cchc plugins --all
  cchc plugins --json
  CCHC_LOAD_PLUGINS= cchc plugins --all     # chỉ các plugin có sẵn""",
    "spec": "Xem, kiểm tra và mô tả các bộ chỉ tiêu.",
    "spec check": """Kiểm tra một bộ chỉ tiêu: mã thoát 0 khi hợp lệ, 1 kèm các thông báo có vị trí khi không.

SPEC là năm, mã bộ chỉ tiêu hoặc đường dẫn tới tệp YAML.""",
    "spec diff": """Những gì thay đổi từ bộ chỉ tiêu OLD sang NEW: chỉ tiêu thêm, bỏ, đổi tên,
đánh số lại, chuyển mục, đổi đơn vị, kiểu, cấp hoặc công thức.

\b
Ghép cặp theo bảng đối chiếu `previous:` của NEW, rồi mã trùng nhau, rồi tên gần
giống (ghi là phỏng đoán kèm điểm số: hãy xác nhận bằng `previous:`).
Ví dụ: cchc spec diff 2021 2023 -f md""",
    "spec schema": "In JSON Schema của tệp bộ chỉ tiêu (để trình soạn thảo kiểm tra khi viết).",
    "spec show": """In cây chỉ tiêu của một bộ chỉ tiêu: STT, tên, đơn vị, kiểu, cấp, công thức.

SPEC là năm, mã bộ chỉ tiêu hoặc đường dẫn tới tệp YAML.""",
    "specs": """Liệt kê các bộ chỉ tiêu: mã, năm, tên, số chỉ tiêu, nguồn, tệp.

Các bộ chỉ tiêu đến từ plugin (kể cả các bộ có sẵn), các thư mục trong
CCHC_SPECS_PATH và thư mục của người dùng (~/.config/cchc/specs).""",
    "template": """Tạo phụ lục trống (tệp Excel) theo một bộ chỉ tiêu, cho một cấp báo cáo.

\b
Chỉ tiêu của cấp đã chọn; ô nhập liệu có kiểm tra (danh sách chọn, số nguyên ≥ 0,
tỷ lệ 0–100); ô tự động tính bị khóa.
Ví dụ: cchc template --spec 2023 --level xa -o mau-2023-xa.xlsx""",
    "uninstall": """Gỡ plugin theo tên gói (cột "Gói cài đặt" của `cchc plugins`).

\b
Ví dụ: cchc uninstall cchc-docx -y""",
    "validate": """Kiểm tra phụ lục FILE theo một bộ chỉ tiêu, chỉ in các phát hiện.

Mã thoát 0 / 1 / 2 như lệnh compute.""",
}

OPTIONS: dict[str, str] = {
    # cchc
    "Show the version and exit.": "In phiên bản rồi thoát.",
    "Show this message and exit.": "In hướng dẫn này rồi thoát.",
    "Show a traceback on errors (for developers).": "In chi tiết lỗi (traceback) cho người phát triển.",
    "Language of messages and report headers.": "Ngôn ngữ của thông báo và tiêu đề báo cáo.",
    "Also load every *.py file in DIR as a plugin (repeatable; env CCHC_PLUGINS_DIR).":
        "Nạp thêm mọi tệp *.py trong thư mục DIR làm plugin (dùng được nhiều lần; biến môi trường CCHC_PLUGINS_DIR).",
    "A plugin that fails during a check is an error (exit 1), not a warning.":
        "Plugin bị lỗi khi kiểm tra là lỗi (mã thoát 1), không chỉ là cảnh báo.",
    "Do not wrap tables to the terminal's width (one line per row).":
        "Không ngắt bảng theo bề rộng màn hình (mỗi dòng một hàng).",
    # reading a submission
    "Spec: a year (2023), an id (2021-ha-tinh) or a YAML path.":
        "Bộ chỉ tiêu: năm (2023), mã (2021-ha-tinh) hoặc đường dẫn tệp YAML.",
    "Reporting level (tinh, huyen, xa or their names); default from the title.":
        "Cấp báo cáo (tinh, huyen, xa hoặc tên đầy đủ); mặc định lấy từ tiêu đề.",
    "Period: 2023, 2023-H1, 2023-Q3; default from the title.": "Kỳ báo cáo: 2023, 2023-H1, 2023-Q3; mặc định lấy từ tiêu đề.",
    "Reporting unit's name; default from the title.": "Tên đơn vị báo cáo; mặc định lấy từ tiêu đề.",
    "Language of messages and headers.": "Ngôn ngữ của thông báo và tiêu đề.",
    "Output format (installed: see `cchc plugins`); default from -o, else table.":
        "Định dạng xuất (các định dạng đã cài: xem `cchc plugins`); mặc định theo đuôi tệp -o, nếu không thì bảng.",
    "Write here (atomically) instead of the terminal.": "Ghi vào tệp này (an toàn, không ghi dở) thay vì in ra màn hình.",
    "Output format.": "Định dạng xuất.",
    # aggregate
    "Level of the compiled report (tinh, huyen or their names).": "Cấp của báo cáo tổng hợp (tinh, huyen hoặc tên đầy đủ).",
    "Name of the compiling unit, as its reports' titles write it.": "Tên đơn vị tổng hợp, như tiêu đề báo cáo của đơn vị đó ghi.",
    "Period to compile (2023-Q3); default: the units' majority period.":
        "Kỳ cần tổng hợp (2023-Q3); mặc định: kỳ mà đa số đơn vị báo cáo.",
    "Level of the units compiled; default: the level just below --level.":
        "Cấp của các đơn vị được tổng hợp; mặc định: cấp ngay dưới --level.",
    "Output format (json, table, matrix-xlsx, matrix-csv, ...); default from -o, else table.":
        "Định dạng xuất (json, table, matrix-xlsx, matrix-csv, ...); mặc định theo đuôi tệp -o, nếu không thì bảng.",
    "Leave out units whose report has errors (default: include them, with a warning).":
        "Bỏ qua đơn vị có báo cáo lỗi (mặc định: vẫn tổng hợp, kèm cảnh báo).",
    "Worker processes; default: the number of CPUs.": "Số tiến trình làm việc song song; mặc định: số CPU.",
    "Read every file again, ignoring (and not updating) the cache of unit results.":
        "Đọc lại mọi tệp, không dùng (và không cập nhật) bộ nhớ đệm kết quả của các đơn vị.",
    # compare
    "Spec of the older submission (e.g. 2021).": "Bộ chỉ tiêu của báo cáo cũ (ví dụ 2021).",
    "Spec of the newer submission (e.g. 2023).": "Bộ chỉ tiêu của báo cáo mới (ví dụ 2023).",
    "Reporting level of both files; default from their titles.": "Cấp báo cáo của cả hai tệp; mặc định lấy từ tiêu đề.",
    "Period of OLD_FILE (e.g. 2021-Q3); default from its title.": "Kỳ báo cáo của OLD_FILE (ví dụ 2021-Q3); mặc định lấy từ tiêu đề.",
    "Period of NEW_FILE (e.g. 2023-Q3); default from its title.": "Kỳ báo cáo của NEW_FILE (ví dụ 2023-Q3); mặc định lấy từ tiêu đề.",
    "Reporting unit's name; default from the titles.": "Tên đơn vị báo cáo; mặc định lấy từ tiêu đề.",
    # plugins
    "Upgrade the packages to their newest version.": "Nâng các gói lên phiên bản mới nhất.",
    "Install a project folder in editable mode (while developing a plugin).":
        "Cài thư mục dự án ở chế độ sửa trực tiếp (khi đang phát triển plugin).",
    "What the plugin adds: an output format, an input reader, a province's checks or a province's spec.":
        "Plugin thêm gì: một định dạng xuất, một bộ đọc tệp, các kiểm tra riêng hoặc bộ chỉ tiêu riêng của địa phương.",
    "Print JSON (name, distribution, version, hooks, registered, errors).":
        "In dạng JSON (tên, gói, phiên bản, hook, đã đăng ký, lỗi).",
    "Include the built-in default plugins.": "Kể cả các plugin có sẵn.",
    "Do not ask for confirmation.": "Không hỏi xác nhận.",
    # spec
    "Print JSON instead of a table.": "In dạng JSON thay vì bảng.",
    "Only this form (e.g. bm3).": "Chỉ biểu mẫu này (ví dụ bm3).",
    "Only indicators reported at this level, with its STT and names.": "Chỉ các chỉ tiêu báo cáo ở cấp này, với STT và tên của cấp đó.",
    "Reporting level (tinh, huyen, xa or their names); default the spec's first level.":
        "Cấp báo cáo (tinh, huyen, xa hoặc tên đầy đủ); mặc định là cấp đầu tiên của bộ chỉ tiêu.",
    "The .xlsx to write (atomically).": "Tệp .xlsx cần ghi (an toàn, không ghi dở).",
}

# click's own words around them.
HEADINGS = {"Options": "Tùy chọn", "Commands": "Lệnh", "Arguments": "Đối số"}
USAGE = "Cách dùng: "
EXTRAS = (("default: ", "mặc định: "), ("required", "bắt buộc"))
