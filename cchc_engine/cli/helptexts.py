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
    "board": """Tình hình báo cáo kỳ --period của mọi đơn vị phải báo cáo: chưa gửi, có lỗi, cảnh báo chưa giải trình, hợp lệ, bị trả lại, đã phê duyệt.

\b
Ví dụ: cchc board --db sqlite:///cchc.sqlite3 --period 2023-Q3 --under HUYEN01 -o tinh-hinh.xlsx""",
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
    "db": "Cơ sở dữ liệu của kho báo cáo.",
    "db upgrade": """Tạo kho báo cáo, hoặc nâng cấu trúc bảng lên phiên bản cchc này (chạy lại nhiều lần vẫn an toàn).

\b
Ví dụ: cchc db upgrade --db postgresql://cchc@localhost/cchc""",
    "explain": """Lưu giải trình của đơn vị cho một cảnh báo (hoặc một lỗi mà bộ chỉ tiêu cho phép giải trình).

\b
Giải trình đi theo cùng phát hiện đó ở các phiên bản sau và được chuyển lên báo cáo tổng hợp.
Ví dụ: cchc explain --db sqlite:///cchc.sqlite3 --unit XA01 --period 2023-Q3 --finding 2 --text "...\"""",
    "history": """Mọi phiên bản một đơn vị đã gửi: khi nào, ai gửi, kết quả kiểm tra và quyết định duyệt.

\b
Ví dụ: cchc history --db sqlite:///cchc.sqlite3 --unit XA01 --period 2023-Q3""",
    "install": """Cài plugin (tên trên PyPI, tệp .whl hoặc thư mục) vào đúng môi trường Python đang chạy cchc.

Plugin đi kèm cchc-engine (cchc-docx, cchc-tsv) được cài từ thư mục plugins/ của kho mã,
không cần mạng, khi cchc chạy từ một bản sao của kho mã.

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
    "review": """Phê duyệt, hoặc trả lại kèm lý do, phiên bản mới nhất của một đơn vị trong một kỳ.

\b
Chỉ phê duyệt được khi mọi lỗi đã được sửa hoặc (nếu bộ chỉ tiêu cho phép) đã giải trình.
Ví dụ: cchc review --db sqlite:///cchc.sqlite3 --unit XA01 --period 2023-Q3 --return "Thiếu số liệu mục 3\"""",
    "serve": """Chạy trang web và API JSON: đơn vị nộp báo cáo và giải trình, cán bộ thẩm định duyệt và tổng hợp.

\b
Ví dụ: cchc serve --db sqlite:///srv/cchc/cchc.sqlite3 --port 8000""",
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
    "specs": """Liệt kê các bộ chỉ tiêu: mã, năm, tên, số chỉ tiêu, cấp (thêm nguồn và tệp với -v).

Các bộ chỉ tiêu đến từ plugin (kể cả các bộ có sẵn), các thư mục trong
CCHC_SPECS_PATH và thư mục của người dùng (~/.config/cchc/specs).""",
    "submit": """Kiểm tra từng tệp FILE như lệnh compute (và so với các kỳ trước của đơn vị) rồi lưu thành một phiên bản mới.

\b
Mã thoát 0: đã lưu, không có lỗi; 1: đã lưu nhưng báo cáo có lỗi; 2: tệp hoặc lệnh không dùng được (không lưu tệp đó).
Ví dụ: cchc submit --db sqlite:///cchc.sqlite3 --unit XA01 --period 2023-Q3 bao-cao-q3.xlsx""",
    "template": """Tạo phụ lục trống (tệp Excel) theo một bộ chỉ tiêu, cho một cấp báo cáo.

\b
Chỉ tiêu của cấp đã chọn; ô nhập liệu có kiểm tra (danh sách chọn, số nguyên ≥ 0,
tỷ lệ 0–100); ô tự động tính bị khóa.
Ví dụ: cchc template --spec 2023 --level xa -o mau-2023-xa.xlsx""",
    "uninstall": """Gỡ plugin theo tên gói (cột "Gói cài đặt" của `cchc plugins`).

\b
Ví dụ: cchc uninstall cchc-docx -y""",
    "units": "Danh sách đơn vị: các đơn vị báo cáo, cấp của mỗi đơn vị và đơn vị cấp trên.",
    "units import": """Thêm hoặc cập nhật đơn vị từ tệp CSV có các cột code, name, level, parent (và active nếu cần).

\b
Ví dụ: cchc units import --db sqlite:///cchc.sqlite3 don-vi.csv""",
    "units list": """Liệt kê các đơn vị (mã, tên, cấp, cấp trên), mỗi đơn vị dưới đơn vị cấp trên của nó.

\b
Ví dụ: cchc units list --db sqlite:///cchc.sqlite3 --under HUYEN01""",
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
    "Also read plugin settings from FILE (env CCHC_CONFIG); ./cchc.toml is read only when named here.":
        "Đọc thêm cấu hình plugin từ FILE (biến môi trường CCHC_CONFIG); ./cchc.toml chỉ được đọc khi ghi tên ở đây.",
    # reading a submission
    "Spec: a year (2023), an id (2021-ha-tinh) or a YAML path.":
        "Bộ chỉ tiêu: năm (2023), mã (2021-ha-tinh) hoặc đường dẫn tệp YAML.",
    "Spec: a year (2023), an id (2021-ha-tinh) or a YAML path; default: the installed spec of the year "
    "the title states that fits its level.":
        "Bộ chỉ tiêu: năm (2023), mã (2021-ha-tinh) hoặc đường dẫn tệp YAML; mặc định: bộ chỉ tiêu đã cài của "
        "năm ghi trong tiêu đề, phù hợp với cấp báo cáo.",
    "Reporting level (tinh, huyen, xa or their names); default from the title (a one-level spec needs none).":
        "Cấp báo cáo (tinh, huyen, xa hoặc tên đầy đủ); mặc định lấy từ tiêu đề (bộ chỉ tiêu một cấp không cần).",
    "Period: 2023, 2023-H1, 2023-Q3; default from the title.": "Kỳ báo cáo: 2023, 2023-H1, 2023-Q3; mặc định lấy từ tiêu đề.",
    "Reporting unit's name; default from the title.": "Tên đơn vị báo cáo; mặc định lấy từ tiêu đề.",
    "Language of messages and headers.": "Ngôn ngữ của thông báo và tiêu đề.",
    "Output format (installed: see `cchc plugins`); default from -o, else table.":
        "Định dạng xuất (các định dạng đã cài: xem `cchc plugins`); mặc định theo đuôi tệp -o, nếu không thì bảng.",
    "Write here (atomically) instead of the terminal.": "Ghi vào tệp này (an toàn, không ghi dở) thay vì in ra màn hình.",
    "Leave the findings out of the printed report (the xlsx sheet, the Word section, the Markdown part): the form alone, to sign.":
        "Không kèm kết quả kiểm tra trong báo cáo in (trang tính xlsx, phần cuối văn bản Word, phần Markdown): chỉ biểu mẫu, để ký.",
    "Output format.": "Định dạng xuất.",
    # aggregate
    "Level of the compiled report (tinh, huyen or their names).": "Cấp của báo cáo tổng hợp (tinh, huyen hoặc tên đầy đủ).",
    "Name of the compiling unit, as its reports' titles write it.": "Tên đơn vị tổng hợp, như tiêu đề báo cáo của đơn vị đó ghi.",
    "Period to compile (2023-Q3), and of the files that do not say theirs; default: the units' majority period.":
        "Kỳ cần tổng hợp (2023-Q3), cũng là kỳ của các tệp không ghi kỳ; mặc định: kỳ mà đa số đơn vị báo cáo.",
    "Level of the units compiled, and of the files that do not say theirs; default: the level just below --level.":
        "Cấp của các đơn vị được tổng hợp, cũng là cấp của các tệp không ghi cấp; mặc định: cấp ngay dưới --level.",
    "Output format (json, table, matrix-xlsx, matrix-csv, ...); default from -o, else table.":
        "Định dạng xuất (json, table, matrix-xlsx, matrix-csv, ...); mặc định theo đuôi tệp -o, nếu không thì bảng.",
    "Leave out units whose report has errors (default: include them, with a warning).":
        "Bỏ qua đơn vị có báo cáo lỗi (mặc định: vẫn tổng hợp, kèm cảnh báo).",
    "Worker processes; default: the number of CPUs.": "Số tiến trình làm việc song song; mặc định: số CPU.",
    "Read every file again, ignoring (and not updating) the cache of unit results.":
        "Đọc lại mọi tệp, không dùng (và không cập nhật) bộ nhớ đệm kết quả của các đơn vị.",
    # the store
    "Store: sqlite:///file.sqlite3 or postgresql://user@host/db; default $CCHC_DB, else a file in your data folder.":
        "Kho báo cáo: sqlite:///tệp.sqlite3 hoặc postgresql://người-dùng@máy/csdl; mặc định $CCHC_DB, nếu không có thì một tệp trong thư mục dữ liệu của bạn.",
    "Who does it (kept in the audit log); default: your login name.":
        "Người thực hiện (ghi vào nhật ký); mặc định: tên đăng nhập của bạn.",
    "Spec: a year (2023), an id or a YAML path; default the year of --period.":
        "Bộ chỉ tiêu: năm (2023), mã hoặc đường dẫn tệp YAML; mặc định theo năm của --period.",
    "The unit's code in the store; default: the unit the report's title names.":
        "Mã đơn vị trong kho; mặc định: đơn vị mà tiêu đề báo cáo ghi.",
    "How to print each report's findings (table or json).": "Cách in các phát hiện của từng báo cáo (table hoặc json).",
    "Period: 2023, 2023-H1, 2023-Q3.": "Kỳ báo cáo: 2023, 2023-H1, 2023-Q3.",
    "Only this unit (a code) and the units under it.": "Chỉ đơn vị này (mã) và các đơn vị trực thuộc.",
    "table, json or xlsx; default from -o, else table.": "table, json hoặc xlsx; mặc định theo đuôi tệp -o, nếu không thì bảng.",
    "The unit's code in the store.": "Mã đơn vị trong kho.",
    "Only this period; with it, the current version's findings are listed too.":
        "Chỉ kỳ này; khi có, liệt kê cả các lỗi và cảnh báo của phiên bản mới nhất.",
    "The finding: its number or key as `cchc history --period` lists them.":
        "Phát hiện cần giải trình: số thứ tự hoặc mã như `cchc history --period` liệt kê.",
    "The explanation: why the figure is right, or cannot be corrected.":
        "Nội dung giải trình: vì sao số liệu đúng, hoặc vì sao không sửa được.",
    "Version explained; default the current one.": "Phiên bản được giải trình; mặc định phiên bản mới nhất.",
    "Approve the current version.": "Phê duyệt phiên bản mới nhất.",
    "Return the current version, saying why.": "Trả lại phiên bản mới nhất, kèm lý do.",
    "Compile from the store instead of files: --unit is the unit's code, --period is needed (see docs/store.md).":
        "Tổng hợp từ kho báo cáo thay vì từ tệp: --unit là mã đơn vị, cần --period (xem docs/store.md).",
    "With --db: also compile current versions not yet approved (never returned ones).":
        "Với --db: tổng hợp cả các phiên bản mới nhất chưa được duyệt (không bao giờ lấy bản bị trả lại).",
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
    # serve
    "Database URL (sqlite:///path); default $CCHC_DB, else a file in the user's data folder.":
        "Địa chỉ cơ sở dữ liệu (sqlite:///đường-dẫn); mặc định $CCHC_DB, nếu không thì một tệp trong thư mục dữ liệu của người dùng.",
    "Address to listen on (put a reverse proxy with TLS in front).": "Địa chỉ lắng nghe (đặt máy chủ proxy có TLS phía trước).",
    "Port to listen on.": "Cổng lắng nghe.",
    "Spec the reports are checked against.": "Bộ chỉ tiêu dùng để kiểm tra báo cáo.",
    "Server processes (one per CPU core for many uploads).": "Số tiến trình máy chủ (mỗi lõi CPU một tiến trình khi có nhiều lượt nộp).",
    "Largest accepted request body, in MB.": "Dung lượng tối đa của một yêu cầu gửi lên, tính bằng MB.",
    "Send the sign-in cookie over HTTPS only (behind a TLS proxy).": "Chỉ gửi cookie đăng nhập qua HTTPS (khi chạy sau proxy có TLS).",
    "Create this administrator account (password from $CCHC_ADMIN_PASSWORD or asked) and stop.":
        "Tạo tài khoản quản trị này (mật khẩu lấy từ $CCHC_ADMIN_PASSWORD hoặc hỏi khi chạy) rồi dừng.",
    # spec
    "Print JSON instead of a table.": "In dạng JSON thay vì bảng.",
    "Also show where each spec comes from (plugin) and its file.": "Hiện thêm nguồn (plugin) và tệp của từng bộ chỉ tiêu.",
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
