"""Article bodies are rendered and sanitised: hostile Markdown/HTML never reaches a reader."""
import pytest

from knowledge.markdown import render, to_text


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<iframe src=https://evil.example></iframe>",
    '<a href="#" onclick="steal()">x</a>',
    '<body onload="alert(1)">',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>body{display:none}</style>",
    '<form action="https://evil.example"><input name=p></form>',
    "<object data=x.swf></object><embed src=x.swf>",
])
def test_hostile_html_in_markdown_leaves_no_script_handler_or_style(hostile):
    out = render(f"متن\n\n{hostile}\n\nپایان").lower()
    for bad in ("<script", "onerror", "onload", "onclick", "<iframe", "<svg", "style=", "<style", "javascript:",
                "<form", "<input", "<object", "<embed", "evil.example"):
        assert bad not in out, (bad, out)
    assert "پایان" in out


@pytest.mark.parametrize("link", [
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href='javascript:alert(1)'>click</a>",
])
def test_script_links_lose_their_href(link):
    out = render(link)
    assert "href" not in out
    assert "click" in out


def test_script_body_is_dropped_not_shown_as_text():
    out = render("before <script>var stolen = document.cookie</script> after")
    assert "document.cookie" not in out
    assert "before" in out and "after" in out


def test_image_with_data_or_protocol_relative_src_loses_it():
    assert "src" not in render("![x](data:image/png;base64,AAAA)")
    assert "src" not in render('<img src="//evil.example/p.png">')


def test_safe_markdown_keeps_structure_links_images_and_code():
    out = render("## راهنما\n\n1. **گام** اول\n2. [سایت](https://example.com)\n\n![شکل](/kb/files/1/a.png)\n\n"
                 "```sql\nSELECT 1;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<h2>راهنما</h2>" in out
    assert "<strong>گام</strong>" in out
    assert 'href="https://example.com"' in out and 'rel="noopener noreferrer nofollow"' in out
    assert 'src="/kb/files/1/a.png"' in out
    assert '<code class="language-sql">' in out
    assert "<table>" in out


def test_classes_other_than_code_language_are_removed():
    out = render('<p class="btn btn-danger" dir="ltr">x</p>')
    assert "class" not in out
    assert 'dir="ltr"' in out


def test_plain_text_for_the_index_has_no_tags_and_unescapes_entities():
    text = to_text(render("# Title\n\nA &amp; B < C\n\n- one\n- two"))
    assert text.splitlines() == ["Title", "A & B < C", "one", "two"]
