"""Compare article-extraction libraries on realistic local article pages.

No page comes from the internet: `pages()` builds news pages in the shapes
real sites use (English and Chinese; header nav, share bars, ads, "related"
lists, comment threads, footers), each with known main-text sentences and
known boilerplate sentences.  For each library this prints how much of the
main text comes out (recall), how much boilerplate leaks in, time per page
and import time.

    .venv/bin/python bench/extract_compare.py [--lib trafilatura|readability]
"""

from __future__ import annotations

import argparse
import html
import importlib
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

EN_BODY = [
    "The city council voted on Tuesday to expand the northern tram line by eleven kilometres.",
    "Construction is expected to begin next spring and to last roughly three years, officials said.",
    "Residents of the outlying districts have campaigned for a direct connection since 2015.",
    "The project will cost an estimated 640 million euros, most of it covered by regional funds.",
    "Opponents argued that the money would be better spent on bus services that already exist.",
    "A spokesperson for the transport authority said trams would run every six minutes at peak times.",
    "Local shop owners worry about months of road closures during the construction phase.",
    "The council promised a compensation scheme for businesses that lose more than a fifth of their income.",
]
EN_BOILER = [
    "Subscribe to our newsletter for the latest updates",
    "Advertisement: Get 50% off premium membership today",
    "Most read: Ten gadgets you need this summer",
    "Copyright 2026 Daily Courier Media Group. All rights reserved.",
    "Log in to join the conversation below",
    "great article, thanks for sharing!!!",
]
ZH_BODY = [
    "国家统计局周三公布的数据显示，十月份全国规模以上工业增加值同比增长百分之五点二。",
    "分行业看，高技术制造业增加值增长明显快于整体工业，其中电子设备制造业增长较快。",
    "专家表示，随着一系列稳增长政策落地见效，工业生产有望继续保持平稳运行态势。",
    "与此同时，社会消费品零售总额同比增长百分之四点八，比上月加快零点六个百分点。",
    "统计局新闻发言人在发布会上指出，国内需求仍显不足，部分企业经营面临一定困难。",
    "下一步，有关部门将加大宏观政策调控力度，着力扩大国内需求，推动经济持续回升向好。",
]
ZH_BOILER = [
    "热门推荐：明星同款护肤品限时抢购",
    "版权所有 新闻网 未经授权禁止转载",
    "下载客户端 随时随地看新闻",
    "网友评论：说得好，支持一下！",
    "相关阅读：十一月楼市成交数据出炉",
    "扫码关注官方微信公众号",
]


@dataclass(frozen=True)
class Page:
    name: str
    html: str
    body: list[str]
    boiler: list[str]


def _p(lines: list[str]) -> str:
    return "".join(f"<p>{html.escape(s)}</p>\n" for s in lines)


def _li(lines: list[str]) -> str:
    return "".join(f'<li><a href="/x/{i}">{html.escape(s)}</a></li>' for i, s in enumerate(lines))


def pages() -> list[Page]:
    out: list[Page] = []
    nav_en = _li(["Home", "World", "Business", "Tech", "Sport", "Culture", "Opinion"])
    out.append(
        Page(
            "en-wordpress",
            f"""<!doctype html><html><head><meta charset="utf-8">
<title>Tram line to be extended | Daily Courier</title></head><body>
<header><nav><ul>{nav_en}</ul></nav><div class="promo">{EN_BOILER[0]}</div></header>
<div id="main"><article class="post"><h1>Tram line to be extended</h1>
<div class="byline">By Jane Doe · 3 min read</div>
<div class="share"><a href="#">Share on X</a><a href="#">Facebook</a></div>
<div class="entry-content">{_p(EN_BODY[:4])}<div class="ad">{EN_BOILER[1]}</div>{_p(EN_BODY[4:])}</div>
</article><aside class="sidebar"><h3>Most read</h3><ul>{_li([EN_BOILER[2], "Storm warning for the coast", "Election results explained"])}</ul></aside>
<section id="comments"><h3>Comments</h3><p>{EN_BOILER[4]}</p><div class="comment"><p>{EN_BOILER[5]}</p></div></section></div>
<footer><p>{EN_BOILER[3]}</p></footer></body></html>""",
            EN_BODY,
            EN_BOILER,
        )
    )
    out.append(
        Page(
            "en-divs",
            f"""<html><head><title>Council backs tram</title></head><body>
<div class="top">{nav_en}<span>{EN_BOILER[0]}</span></div>
<div class="wrapper"><div class="col-left"><div class="story-body">
<h1>Council backs tram</h1>{"".join(f'<div class="para">{html.escape(s)}</div>' for s in EN_BODY)}
</div></div><div class="col-right"><div class="widget">{EN_BOILER[1]}</div>
<div class="widget"><b>Most read</b><ol>{_li([EN_BOILER[2], "Another story", "Yet another story"])}</ol></div></div></div>
<div class="comments">{EN_BOILER[5]}</div><div class="footer">{EN_BOILER[3]}</div></body></html>""",
            EN_BODY,
            EN_BOILER,
        )
    )
    nav_zh = _li(["首页", "国内", "国际", "财经", "科技", "体育", "娱乐"])
    out.append(
        Page(
            "zh-portal",
            f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>十月工业增加值增长5.2%_新闻网</title></head>
<body><div class="top-nav"><ul>{nav_zh}</ul><a>{ZH_BOILER[2]}</a></div>
<div class="main-content w1240"><div class="article-header"><h1 class="main-title">十月工业增加值增长5.2%</h1>
<div class="date-source"><span>2026年11月15日 10:02</span> <a>新闻网</a></div></div>
<div class="article" id="article">{_p(ZH_BODY[:3])}<div class="ad-box">{ZH_BOILER[0]}</div>{_p(ZH_BODY[3:])}
<p class="show_author">责任编辑：王某</p></div>
<div class="related"><h3>相关阅读</h3><ul>{_li([ZH_BOILER[4], "前十月外贸数据公布", "央行开展逆回购操作"])}</ul></div>
<div class="comment-area"><p>{ZH_BOILER[3]}</p></div></div>
<div class="footer"><p>{ZH_BOILER[1]}</p><p>{ZH_BOILER[5]}</p></div></body></html>""",
            ZH_BODY,
            ZH_BOILER,
        )
    )
    out.append(
        Page(
            "zh-table",
            f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>工业数据</title></head>
<body><table width="100%"><tr><td>{nav_zh}</td></tr></table>
<table width="960"><tr><td width="680" valign="top"><h2>十月工业增加值增长</h2>
<div id="endText">{"<br/>".join(html.escape(s) for s in ZH_BODY)}</div></td>
<td width="280" valign="top"><div>{ZH_BOILER[0]}</div><ul>{_li([ZH_BOILER[4], "排行榜一", "排行榜二", "排行榜三"])}</ul></td></tr></table>
<div class="cmt">{ZH_BOILER[3]}</div><div id="footer">{ZH_BOILER[1]}<br/>{ZH_BOILER[5]}</div></body></html>""",
            ZH_BODY,
            ZH_BOILER,
        )
    )
    return out


def _trafilatura() -> Callable[[str, str], str]:
    import trafilatura

    def run(page: str, url: str) -> str:
        return (
            trafilatura.extract(
                page,
                url=url,
                output_format="html",
                include_images=True,
                include_comments=False,
                favor_precision=True,
            )
            or ""
        )

    return run


def _readability() -> Callable[[str, str], str]:
    from readability import Document

    def run(page: str, url: str) -> str:
        return str(Document(page, url=url).summary(html_partial=True))

    return run


LIBS = {"trafilatura": ("trafilatura", _trafilatura), "readability": ("readability", _readability)}


def _text(fragment: str) -> str:
    import lxml.html

    if not fragment.strip():
        return ""
    return " ".join(lxml.html.fromstring(f"<div>{fragment}</div>").text_content().split())


def measure(lib: str) -> None:
    module, factory = LIBS[lib]
    started = time.perf_counter()
    importlib.import_module(module)
    import_s = time.perf_counter() - started
    extract = factory()
    recall: list[float] = []
    leaks = 0
    boiler_total = 0
    times: list[float] = []
    for page in pages():
        extract(page.html, "https://example.org/a")  # warm
        t0 = time.perf_counter()
        for _ in range(5):
            out = extract(page.html, "https://example.org/a")
        times.append((time.perf_counter() - t0) / 5)
        text = _text(out)
        got = sum(s in text for s in page.body)
        leaked = [b for b in page.boiler if b in text]
        recall.append(got / len(page.body))
        leaks += len(leaked)
        boiler_total += len(page.boiler)
        print(f"  {lib:12} {page.name:13} body {got}/{len(page.body)}  boilerplate leaked {leaked}")
    import resource

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{lib}: mean recall {statistics.mean(recall):.2f}, boilerplate leaked {leaks}/{boiler_total}, "
        f"{statistics.mean(times) * 1000:.1f} ms/page, import {import_s * 1000:.0f} ms, "
        f"peak RSS {rss_mb:.0f} MB"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", choices=sorted(LIBS))
    args = ap.parse_args()
    if args.lib:
        measure(args.lib)
        return
    for lib in sorted(LIBS):  # each in a fresh process: import time and memory are its own
        subprocess.run([sys.executable, __file__, "--lib", lib], check=False)


if __name__ == "__main__":
    main()
