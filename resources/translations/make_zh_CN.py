"""Write newsreader_zh_CN.ts from the table below and compile it to .qm.

    .venv/bin/python resources/translations/make_zh_CN.py

The table is the source of truth for Simplified Chinese; pyside6-lupdate
cannot see texts passed through helpers (actions.py, subscriptions.py,
render.py, qt/i18n.ntr), so every context is listed here.  The script fails
when a text of the action registry has no translation.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

ZH: dict[str, dict[str, str]] = {
    "MainWindow": {
        "Search articles": "搜索文章",
        "Search  ( / )": "搜索（/）",
        "Headlines": "标题列表",
        "&File": "文件(&F)",
        "&View": "视图(&V)",
        "&Article": "文章(&A)",
        "&Subscriptions": "订阅(&S)",
        "&Help": "帮助(&H)",
        "Main": "主工具栏",
        "Main toolbar": "主工具栏",
        "Status": "状态",
        "Sync progress": "同步进度",
        "Cancel": "取消",
        "Cancel sync": "取消同步",
        "Sync this feed": "同步此订阅源",
        "No more unread articles": "没有更多未读文章",
        "Cancelling…": "正在取消…",
        "cancelled": "已取消",
        "Welcome to Newsreader": "欢迎使用新闻阅读器",
        "Import OPML": "导入 OPML",
        "OPML files (*.opml *.xml);;All files (*)": "OPML 文件 (*.opml *.xml);;所有文件 (*)",
        "Import failed: %1": "导入失败：%1",
        "Export OPML": "导出 OPML",
        "OPML files (*.opml)": "OPML 文件 (*.opml)",
        "Rename": "重命名",
        "Name:": "名称：",
        "Move to folder": "移动到文件夹",
        "Folder (a/b for nested, empty for none):": "文件夹（用 a/b 表示嵌套，留空表示无）：",
        "Deleted “%1”": "已删除“%1”",
        "About Newsreader": "关于新闻阅读器",
        "An offline-first news reader for English and Chinese news.": "离线优先的中英文新闻阅读器。",
        "(untitled)": "（无标题）",
        # plural texts (qt/i18n.ntr)
        "%n unread": "%n 篇未读",
        "%n new": "%n 篇新文章",
        "%n feed(s) failed": "%n 个订阅源失败",
        "Imported %n feed(s)": "已导入 %n 个订阅源",
        "Exported %n feed(s)": "已导出 %n 个订阅源",
        "Marked %n article(s) as read": "已将 %n 篇文章标为已读",
        "Newsreader — %n unread": "新闻阅读器 — %n 篇未读",
        "%n new article(s)": "%n 篇新文章",
        "Syncing 0 of %n feed(s)…": "正在同步 %n 个订阅源中的第 0 个…",
        "Syncing %1 of %n feed(s) · %3": "正在同步第 %1 / %n 个订阅源 · %3",
    },
    "EmptyState": {
        "No subscriptions yet": "还没有订阅",
        "Add a feed or a website, import an OPML file from another reader,\n"
        "or start with a few suggested news sources in English and Chinese.": (
            "添加订阅源或网站，从其他阅读器导入 OPML 文件，\n或者从几个推荐的中英文新闻源开始。"
        ),
        "Add feed…": "添加订阅源…",
        "Import OPML…": "导入 OPML…",
        "Use suggested feeds": "使用推荐的订阅源",
    },
    "ArticleView": {"Article": "文章"},
    "HeadlineView": {"Headlines": "标题列表"},
    "SubscriptionsView": {"Subscriptions": "订阅"},
    "UndoToast": {"Notification": "通知", "Undo": "撤销"},
    "SyncController": {"The sync process stopped unexpectedly (%1)": "同步进程意外停止（%1）"},
    "Dialogs": {
        "%n article(s)": "%n 篇文章",
        "Found %n feed(s).": "找到 %n 个订阅源。",
        "not synced yet": "尚未同步",
        "OK": "正常",
        "error": "错误",
        "gone (HTTP 410)": "已失效（HTTP 410）",
    },
    "AddFeedDialog": {
        "Unexpected error: %1": "意外错误：%1",
        "Add feed": "添加订阅源",
        "https://example.com/feed.xml  or  example.com": "https://example.com/feed.xml 或 example.com",
        "Feed or website address": "订阅源或网站地址",
        "Address:": "地址：",
        "Find feeds": "查找订阅源",
        "Feeds found": "找到的订阅源",
        "Feeds:": "订阅源：",
        "Folder:": "文件夹：",
        "Subscribe": "订阅",
        "Looking for feeds…": "正在查找订阅源…",
    },
    "FeedPropertiesDialog": {
        "Feed properties": "订阅源属性",
        "Address:": "地址：",
        "Default": "默认",
        " min": " 分钟",
        "Check every:": "检查间隔：",
        "Leave empty to detect the encoding automatically": "留空以自动检测编码",
        "Encoding:": "编码：",
        "Last status:": "上次状态：",
        "Last error:": "上次错误：",
        "Last success:": "上次成功：",
    },
    "FeedHealthDialog": {
        "Feed health": "订阅源健康状况",
        "Feed": "订阅源",
        "Status": "状态",
        "HTTP": "HTTP",
        "Last success": "上次成功",
        "Next check": "下次检查",
        "Message": "消息",
    },
    "ShortcutsDialog": {
        "Keyboard shortcuts": "键盘快捷键",
        "Keys": "按键",
        "Action": "操作",
        "  or  ": " 或 ",
    },
    "PreferencesDialog": {
        "Preferences": "首选项",
        "Sync when the app starts": "启动时同步",
        "Never": "从不",
        " min": " 分钟",
        "Sync every:": "同步间隔：",
        "Keep forever": "永久保留",
        " days": " 天",
        "Keep read articles:": "已读文章保留：",
        "Immediately": "立即",
        "Mark read after:": "标为已读的延迟：",
        "General": "常规",
        "Action": "操作",
        "Keys": "按键",
        "New shortcut": "新快捷键",
        "Assign": "设定",
        "Reset to default": "恢复默认",
        "New keys:": "新按键：",
        "Shortcuts": "快捷键",
        "Saved.": "已保存。",
        "Theme": "主题",
        "Theme:": "主题：",
        "System": "跟随系统",
        "Light": "浅色",
        "Dark": "深色",
        "Language": "语言",
        "Language:": "语言：",
        # the same sentence as RESTART_NOTES[True] in ui/dialogs.py
        "Restart Newsreader to use the new language.": "重新启动新闻阅读器后使用新的语言。",
    },
    "Actions": {
        "Sync now": "立即同步",
        "Cancel sync": "取消同步",
        "Add feed…": "添加订阅源…",
        "Import OPML…": "导入 OPML…",
        "Export OPML…": "导出 OPML…",
        "Add suggested feeds": "添加推荐的订阅源",
        "Preferences…": "首选项…",
        "Quit": "退出",
        "Next article": "下一篇文章",
        "Previous article": "上一篇文章",
        "Next unread article": "下一篇未读文章",
        "Previous unread article": "上一篇未读文章",
        "Scroll article / next unread": "滚动文章 / 下一篇未读",
        "Scroll article back": "向上滚动文章",
        "Open in browser": "在浏览器中打开",
        "Toggle read": "切换已读",
        "Toggle star": "切换星标",
        "Mark all as read": "全部标为已读",
        "Undo": "撤销",
        "Search": "搜索",
        "Focus subscriptions": "聚焦订阅列表",
        "Focus headlines": "聚焦标题列表",
        "Focus article": "聚焦文章",
        "Go to Hot news": "转到热点新闻",
        "Go to All articles": "转到全部文章",
        "Go to Unread": "转到未读",
        "Go to Starred": "转到星标",
        "Zoom in": "放大",
        "Zoom out": "缩小",
        "Reset zoom": "重置缩放",
        "Rename…": "重命名…",
        "Move to folder…": "移动到文件夹…",
        "Delete": "删除",
        "Properties…": "属性…",
        "Feed health…": "订阅源健康状况…",
        "Keyboard shortcuts": "键盘快捷键",
        "About Newsreader": "关于新闻阅读器",
        "{key} is already bound to “{other}”": "{key} 已绑定到“{other}”",
    },
    "Subscriptions": {
        "Hot news": "热点新闻",
        "All articles": "全部文章",
        "Unread": "未读",
        "Starred": "星标",
    },
    "Headlines": {"unread": "未读", "read": "已读", "starred": "已加星标"},
    "Article": {
        "image": "图片",
        "This article has no text in the feed.": "订阅源中没有这篇文章的正文。",
        "(untitled)": "（无标题）",
    },
    # qt/render.py: the full-text note above an article (offline content)
    "ArticleMedia": {
        "Full text from %1": "全文来自 %1",
        "Show the feed’s version": "显示订阅源版本",
        "The feed’s version": "订阅源版本",
        "Show the full text from %1": "显示来自 %1 的全文",
        "Full text failed: %1": "获取全文失败：%1",
        "(will try again later)": "（稍后重试）",
    },
}

# Hot stories, related articles and search.
for _context, _texts in {
    "Actions": {
        "Search all articles": "搜索全部文章",
        "Show the story's other sources": "展开该新闻的其他来源",
        "Hide the story's other sources": "收起该新闻的其他来源",
        "Go to related articles": "转到相关内容",
    },
    "MainWindow": {
        "Search all articles": "搜索全部文章",
        "No related articles": "没有相关内容",
    },
    "Headlines": {"%1 sources": "%1 个来源"},
    "PreferencesDialog": {
        "Reading a hot story marks its other sources read": "阅读热点新闻时，将其他来源的同一报道标为已读"
    },
    "Article": {"Related articles": "相关内容"},
}.items():
    ZH[_context].update(_texts)

# Offline reading: per-feed full text and images, the cache in Preferences.
for _context, _texts in {
    "FeedPropertiesDialog": {
        "Full article": "全文",
        "Full article:": "全文：",
        "Automatic": "自动",
        "Always fetch": "总是获取",
        "Never": "从不",
        "Fetch the article's web page for offline reading. Automatic: only when "
        "the feed sends a summary instead of the whole article.": (
            "获取文章网页以便离线阅读。自动：仅当订阅源只提供摘要而非全文时获取。"
        ),
        "Download images for offline reading": "下载图片以便离线阅读",
    },
    "PreferencesDialog": {
        "Offline reading": "离线阅读",
        "Download full text and images for offline reading": "下载全文和图片以便离线阅读",
        "Each feed can turn them off in its Feed properties.": "每个订阅源可在其“订阅源属性”中单独关闭。",
        "Cache": "缓存",
        "Cache size": "缓存大小",
        "Size:": "大小：",
        "Cache limit": "缓存上限",
        "Cache limit unit": "缓存上限单位",
        "Limit:": "上限：",
        "Over the limit, the images and full texts read longest ago go first.": (
            "超出上限时，最早读过的文章的图片和全文最先删除。"
        ),
        "Clear cache…": "清除缓存…",
        "Delete all cached full texts and images (%1)? This cannot be undone. "
        "Articles keep the content their feeds sent; new articles are cached again.": (
            "删除所有缓存的全文和图片（%1）？此操作无法撤销。"
            "文章保留订阅源提供的内容；新文章会重新缓存。"
        ),
        "Delete cached content": "删除缓存内容",
        "Keep it": "保留",
        "Measuring…": "正在计算…",
        "Clearing the cache…": "正在清除缓存…",
        "Cache cleared: %1 freed.": "缓存已清除：释放了 %1。",
        "The cache could not be read: %1": "无法读取缓存：%1",
    },
}.items():
    ZH[_context].update(_texts)


def check() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from newsreader.qt.actions import TEXTS

    missing = sorted(set(TEXTS.values()) - set(ZH["Actions"]))
    if missing:
        raise SystemExit(f"untranslated actions: {missing}")


def write_ts(path: Path) -> None:
    root = ET.Element("TS", version="2.1", language="zh_CN", sourcelanguage="en")
    for context, texts in ZH.items():
        ctx = ET.SubElement(root, "context")
        ET.SubElement(ctx, "name").text = context
        for source, target in texts.items():
            message = ET.SubElement(ctx, "message")
            ET.SubElement(message, "source").text = source
            translation = ET.SubElement(message, "translation")
            if "%n" in source:
                message.set("numerus", "yes")
                ET.SubElement(translation, "numerusform").text = target  # one form in Chinese
            else:
                translation.text = target
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8"
    )


def main() -> None:
    check()
    ts = HERE / "newsreader_zh_CN.ts"
    write_ts(ts)
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    subprocess.run([str(lrelease), str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)


if __name__ == "__main__":
    main()
