"""Chinese wording of the messages users see: errors, unreadable-file reasons, the CLI's lines.

The code keeps one English message per problem (stable, for tools, logs and tests); users read
:func:`chinese` of it: the Chinese wording, then the English in brackets. The wordings are data:
one pattern and one template per message, tried in order.
"""

from __future__ import annotations

import re

# (pattern of the English message, Chinese template: ``{1}`` ... are the pattern's groups)
_WORDINGS: tuple[tuple[str, str], ...] = (
    (r"binary file \(contains NUL bytes\), not text", "二进制文件，不是文本"),
    (r"not text in UTF-8 or GB18030/GBK encoding.*", "不是 UTF-8 或 GB18030/GBK 编码的文本（二进制文件或未知编码）"),
    (r"starts with a (\S+) byte-order mark but is not valid \S+", "以 {1} 字节顺序标记开头，但内容不是有效的 {1}"),
    (r"empty document, nothing to check", "空文档，没有可检查的内容"),
    (r"no article text found", "页面中没有找到正文"),
    (r"no such file or folder", "文件或文件夹不存在"),
    (r"no such file \(removed during the scan\)", "文件不存在（检查过程中被删除）"),
    (r"no such file", "文件不存在"),
    (r"permission denied", "没有读取权限"),
    (r"is a directory.*", "是文件夹（检查文件夹请用 proofread scan）"),
    (r"(?:file|line) too large \((\d+) MB; limit (\d+) MB\)", "文件过大（{1} MB，上限 {2} MB）"),
    (r"cannot read folder: (.*)", "无法读取文件夹：{1}"),
    (r"cannot read unit mapping: (.*)", "无法读取单位对照表：{1}"),
    (r"cannot read: (.*)", "无法读取：{1}"),
    (r"cannot read \((.*)\)", "无法读取（{1}）"),
    (r"cannot write: (.*)", "无法写入：{1}"),
    (r"not a readable \.zip archive.*", "不是可读取的 .zip 压缩包"),
    (r"encrypted archive member", "压缩包内的加密文件"),
    (r"cannot extract from archive.*|corrupt archive member.*", "无法从压缩包中解出（文件损坏）"),
    (r"line (\d+): not a JSON object.*", "第 {1} 行不是 JSON 对象"),
    (r"not a JSON object.*", "不是 JSON 对象"),
    (r"no text field.*", "没有正文字段（text、content、body、正文 或 html）"),
    (r"not a valid \.docx file.*|corrupt \.docx file.*", "不是有效的 .docx 文件（文件损坏）"),
    (r"not a valid PDF file.*|corrupt PDF file.*", "不是有效的 PDF 文件（文件损坏）"),
    (r"encrypted PDF.*", "PDF 已加密，无法读取"),
    (r"no text layer.*", "PDF 没有文字层（扫描图片），请先做文字识别（OCR）"),
    (r"needs LibreOffice.*", "需要 LibreOffice（soffice）转换为 .docx，本机未安装；请安装 LibreOffice，或另存为 .docx"),
    (r"conversion failed.*", "转换为 .docx 失败"),
    (r"could not annotate.*", "无法写入批注"),
    (r"the checking process died on this article.*", "检查进程在这篇文章上中止（内存不足或崩溃）"),
    (r"checking failed.*", "检查出错"),
    (r"another scan is running on this folder", "另一个检查正在使用这个文件夹"),
    (r"written by another version of proofread.*", "由另一版本的 proofread 写入，请换一个 --out 文件夹"),
    (r"--out must be a folder", "--out 必须是文件夹"),
    (r"(--[a-z-]+) must be at least 1", "{1} 至少为 1"),
    (r"(--[a-z-]+(?: and --[a-z-]+)?) must be positive", "{1} 必须大于 0"),
    (r"(--[a-z-]+) must be between (\d+) and (\d+)", "{1} 必须在 {2} 到 {3} 之间"),
    (r"standard input \(-\) can be given only once", "标准输入（-）只能给一次"),
    (r"--annotate comments whole \.docx documents.*", "--annotate 为整篇 .docx 加批注，不能与 --lines 同用"),
    (r"--annotate would overwrite the input.*", "--annotate 会覆盖输入文件，请换一个文件夹"),
    (r"--annotate writes comments into \.docx files only; not annotated", "--annotate 只为 .docx 文件加批注；未加批注"),
    (r"unknown component ('[^']*').*", "未知组件 {1}"),
    (r"unknown setting ('[^']*').*", "未知设置 {1}"),
    (r"unknown key ('[^']*').*", "未知设置项 {1}"),
    (r"unknown status ('[^']*').*", "未知核实状态 {1}（可用：已核实、误报、待核实）"),
    (r"--since is after --until", "--since 晚于 --until"),
    (r"interrupted", "已中断"),
)
_COMPILED = tuple((re.compile(pattern), template) for pattern, template in _WORDINGS)
_GROUP = re.compile(r"\{(\d)\}")


def chinese(message: str) -> str:
    """``message`` with its known part in Chinese, the English kept after it in brackets:
    ``a.png: 二进制文件，不是文本（binary file (contains NUL bytes), not text）``."""
    found = _translate(message)
    return message if found is None else f"{found[0]}（{found[1]}）"


def chinese_only(message: str) -> str:
    """The Chinese wording alone (a report's reason column; the English has a column of its own)."""
    found = _translate(message)
    return message if found is None else found[0]


def _translate(message: str) -> tuple[str, str] | None:
    for pattern, template in _COMPILED:
        m = pattern.search(message)
        if m is not None:
            groups = [m.group(0), *(g or "" for g in m.groups())]
            words = _GROUP.sub(lambda g: groups[int(g.group(1))], template)  # noqa: B023 (used at once)
            return message[: m.start()] + words, message[m.start() :]
    return None
