"""A unit file read as systemd 252 reads the settings qemuc writes, independent of qemuc.

Written from systemd v252's source (https://github.com/systemd/systemd-stable, tag v252.31):
- config_parse() in src/shared/conf-parser.c: comment lines, backslash continuation, trimming;
- extract_first_word() in src/basic/extract-word.c, cunescape_one() in src/basic/escape.c;
- specifier_printf() in src/shared/specifier.c;
- config_parse_exec(), config_parse_namespace_path_strv(), config_parse_unit_deps(),
  config_parse_unit_string_printf() and config_parse_user_group_compat() in
  src/core/load-fragment.c;
- replace_env_argv() and replace_env() in src/basic/env-util.c, applied when a command runs;
- shell_maybe_quote() / quote_command_line() in src/basic/escape.c, how `systemd --test` prints
  a command line (to compare this decoder with systemd itself).
Everything works on bytes. Anything this decoder does not expect from qemuc raises Refused, so an
escaping mistake cannot pass silently (an unknown escape is a warning in systemd: refused here).
"""

WHITESPACE = b" \t\n\r"
UNQUOTE, CUNESCAPE, RETAIN_ESCAPE = 1, 2, 4


class Refused(Exception):
    pass


def read_settings(text):
    """[(section, key, value)] of a unit file: config_parse() and parse_line()."""
    settings, section, continuation = [], None, None
    for line in text.split(b"\n")[:-1] if text.endswith(b"\n") else text.split(b"\n"):
        if line.lstrip(WHITESPACE)[:1] in (b"#", b";"):
            continue  # skipped whole, even inside a continuation and whatever it ends with
        joined = continuation + line if continuation is not None else line
        escaped = False
        for byte in joined:
            escaped = False if escaped else byte == 0x5C
        if escaped:
            continuation = joined[:-1] + b" "
            continue
        continuation = None
        stripped = joined.strip(WHITESPACE)
        if not stripped:
            continue
        if stripped.startswith(b"[") and stripped.endswith(b"]"):
            section = stripped[1:-1]
            continue
        if b"=" not in stripped:
            raise Refused("missing '=': %r" % stripped)
        key, value = stripped.split(b"=", 1)
        try:
            value.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused("not UTF-8 clean: %r" % value)
        settings.append((section, key.strip(WHITESPACE), value.strip(WHITESPACE)))
    if continuation is not None:
        raise Refused("the file ends in a continuation")
    return settings


def cunescape_one(text, i):
    """(bytes, length) of the escape after a backslash at text[i]; Refused if systemd has none."""
    simple = {b"a": b"\a", b"b": b"\b", b"f": b"\f", b"n": b"\n", b"r": b"\r", b"t": b"\t",
              b"v": b"\v", b"\\": b"\\", b'"': b'"', b"'": b"'", b"s": b" "}
    c = text[i:i + 1]
    if c in simple:
        return simple[c], 1
    hexdigits = b"0123456789abcdefABCDEF"
    for letter, digits in ((b"x", 2), (b"u", 4), (b"U", 8)):
        if c == letter:
            code = text[i + 1:i + 1 + digits]
            if len(code) != digits or any(d not in hexdigits for d in code):
                raise Refused("bad \\%s escape" % letter.decode())
            value = int(code, 16)
            if value == 0:
                raise Refused("NUL escape")
            if letter == b"x":
                return bytes([value]), 1 + digits  # "eight_bit": the byte itself
            return chr(value).encode("utf-8"), 1 + digits
    if c and c in b"01234567":
        code = text[i:i + 3]
        if len(code) != 3 or any(d not in b"01234567" for d in code) or int(code, 8) in (0, 256) \
                or int(code, 8) > 255:
            raise Refused("bad octal escape")
        return bytes([int(code, 8)]), 3
    raise Refused("unknown escape \\%r (systemd warns: 'Ignoring unknown escape sequences')" % c)


def extract_first_word(text, i, flags):
    """(word or None, next index) as extract_first_word(text + i, WHITESPACE, flags)."""
    while i < len(text) and text[i] in WHITESPACE:
        i += 1
    if i >= len(text):
        return None, i
    word, quote = bytearray(), None
    while i < len(text):
        c = text[i]
        if c == 0x5C and not flags & RETAIN_ESCAPE:  # a backslash
            if i + 1 >= len(text):
                raise Refused("a trailing backslash")
            if flags & CUNESCAPE:
                value, length = cunescape_one(text, i + 1)
                word += value
                i += 1 + length
            else:
                word.append(text[i + 1])
                i += 2
            continue
        if quote is not None:
            if c == quote:
                quote = None
            else:
                word.append(c)
            i += 1
            continue
        if c in b"'\"" and flags & UNQUOTE:
            quote = c
        elif c in WHITESPACE:
            break
        else:
            word.append(c)
        i += 1
    if quote is not None:
        raise Refused("unbalanced quoting")
    while i < len(text) and text[i] in WHITESPACE:
        i += 1
    return bytes(word), i


def words(value, flags):
    result, i = [], 0
    while True:
        word, i = extract_first_word(value, i, flags)
        if word is None:
            return result
        result.append(word)


def specifiers(text, table):
    """specifier_printf(): %% is %, a letter or digit in `table` expands, any other letter or
    digit is an error; any other %X stays, and so does a trailing %."""
    out, i = bytearray(), 0
    while i < len(text):
        if text[i:i + 1] != b"%":
            out.append(text[i])
            i += 1
            continue
        c = text[i + 1:i + 2]
        if c == b"":
            out += b"%"
        elif c == b"%":
            out += b"%"
        elif c in table:
            out += table[c]
        elif c.isalnum():
            raise Refused("specifier %%%s" % c.decode(errors="replace"))
        else:
            out += b"%" + c
        i += 2
    return bytes(out)


def parse_exec(value, table):
    """config_parse_exec() for one command (qemuc writes one): (path, argv, prefixes)."""
    first, i = extract_first_word(value, 0, UNQUOTE | CUNESCAPE)
    if first is None or first == b";":
        raise Refused("no command")
    prefixes = b""
    while first[:1] in (b"-", b"@", b":", b"+", b"!"):
        prefixes, first = prefixes + first[:1], first[1:]
    path = specifiers(first, table)
    if not path.startswith(b"/") or path.endswith(b"/") or any(b < 0x20 or b == 0x7F for b in path) \
            or any(q in path for q in (b'"', b"'", b"\\")):
        raise Refused("not an executable systemd runs: %r" % path)
    argv = [] if b"@" in prefixes else [path]
    while i < len(value):
        rest = value[i:]
        if rest[:1] == b";" and (len(rest) == 1 or rest[1:2] in WHITESPACE):
            raise Refused("a second command")
        if rest[:2] == b"\\;" and (len(rest) == 2 or rest[2:3] in WHITESPACE):
            argv.append(b";")
            i += 2
            while i < len(value) and value[i] in WHITESPACE:
                i += 1
            continue
        word, i = extract_first_word(value, i, UNQUOTE | CUNESCAPE)
        if word is None:
            break
        argv.append(specifiers(word, table))
    return path, argv, prefixes


def replace_env(word, env):
    """replace_env() without flags: $$ is $, ${NAME} expands, anything else stays."""
    out, i = bytearray(), 0
    while i < len(word):
        if word[i:i + 2] == b"$$":
            out += b"$"
            i += 2
        elif word[i:i + 2] == b"${" and b"}" in word[i + 2:]:
            end = word.index(b"}", i + 2)
            name = word[i + 2:end]
            if b":" in name:  # unsupported syntax: no replacement
                out += word[i:end + 1]
            else:
                out += env.get(name, b"")
            i = end + 1
        else:
            out.append(word[i])
            i += 1
    return bytes(out)


def replace_env_argv(argv, env):
    """A word that is $NAME alone becomes the value split at whitespace (0..n words)."""
    result = []
    for word in argv:
        if word[:1] == b"$" and word[1:2] not in (b"{", b"$"):
            value = env.get(word[1:])
            result += words(value, UNQUOTE) if value is not None else []
        else:
            result.append(replace_env(word, env))
    return result


def decode_unit(text, table, env):
    """The settings qemuc writes, each decoded by its own rules: {key: [value, ...]}, where an
    exec setting is (path, argv as it is run) and a list setting contributes each item."""
    decoded = {}
    for section, key, value in read_settings(text):
        name = key.decode()
        if name in ("ExecStart", "ExecStop"):
            path, argv, prefixes = parse_exec(value, table)
            if prefixes not in (b"", b"@"):
                raise Refused("prefix %r" % prefixes)
            item = (path, replace_env_argv(argv, env), argv)
        elif name == "ReadWritePaths":
            item = [specifiers(w, table) for w in words(value, UNQUOTE)]
        elif name in ("After", "Wants", "WantedBy"):
            item = [specifiers(w, table) for w in words(value, RETAIN_ESCAPE)]
        else:  # Description=, User=, Group=, SyslogIdentifier=, ...: specifiers only
            item = specifiers(value, table)
        decoded.setdefault(name, []).append(item)
    return decoded


NEED_QUOTES = b" \t\n\r\"\\`$*?['()<>|&;!"
C_ESCAPES = {0x07: b"\\a", 0x08: b"\\b", 0x0C: b"\\f", 0x0A: b"\\n", 0x0D: b"\\r", 0x09: b"\\t",
             0x0B: b"\\v"}


def utf8_sequence_length(word, i):
    """The length of the valid UTF-8 sequence at word[i], or 0."""
    for length in (1, 2, 3, 4):
        try:
            word[i:i + length].decode("utf-8")
            return length
        except UnicodeDecodeError:
            continue
    return 0


def shell_maybe_quote(word):
    """How systemd prints one argument of a command line (shell_maybe_quote(), SHELL_ESCAPE_EMPTY,
    with strcpy_backslash_escaped() and cescape_char()): bare when it can be, else double-quoted
    from the first byte that needs it, with \\ \\" \\` \\$, C escapes for control characters and
    octal for the rest and for bytes that are not UTF-8."""
    if word == b"":
        return b'""'
    start = 0
    while start < len(word):
        length = utf8_sequence_length(word, start)
        if length == 0 or word[start] < 0x20 or word[start] == 0x7F or word[start] in NEED_QUOTES:
            break
        start += length
    if start == len(word):
        return word
    out, i = bytearray(b'"' + word[:start]), start
    while i < len(word):
        length = utf8_sequence_length(word, i)
        byte = word[i]
        if length == 0 or byte < 0x20 or byte == 0x7F:
            out += C_ESCAPES.get(byte, b"\\%03o" % byte)
            i += 1
            continue
        if length == 1 and byte in b'"\\`$':
            out += b"\\"
        out += word[i:i + length]
        i += length
    return bytes(out + b'"')


def quote_command_line(argv):
    return b" ".join(shell_maybe_quote(word) for word in argv)
