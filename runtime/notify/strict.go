package notify

import (
	"errors"
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// maxJSONDepth bounds nesting in CheckStrictJSON. WeChat's bodies nest two
// levels deep.
const maxJSONDepth = 1000

// CheckStrictJSON rejects JSON that encoding/json would read in a way the
// sender may not have meant, since a signature or a MAC covers the bytes,
// not one reading of them. Parser.Parse runs it on every verified body and
// DecodePlaintext on every plaintext; it is exported for code that decodes
// other signed JSON (and for the benchmarks' floors, which must do the same
// work):
//
//   - invalid UTF-8, and \u escapes of unpaired surrogates: encoding/json
//     turns both into U+FFFD, so two different ids decode equal;
//   - an object member whose name repeats another one's exactly or up to
//     case: encoding/json matches names case-insensitively and keeps the
//     last ({"id":"A","ID":"B"} has id B).
//
// Syntax errors are left to encoding/json, which runs next. Errors name a
// byte offset and member names, never values.
func CheckStrictJSON(data []byte) error {
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, size := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		return fmt.Errorf("invalid UTF-8 at byte offset %d", off)
	}
	s := jsonScanner{data: data, buf: make([]byte, 0, 256)} // non-nil: str folds into it
	return s.value(0)
}

type jsonScanner struct {
	data []byte
	i    int
	buf  []byte // folded member names, reused
}

var errStop = errors.New("stop") // a syntax error: encoding/json reports it

func (s *jsonScanner) skipSpace() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *jsonScanner) value(depth int) error {
	err := s.scanValue(depth)
	if err == errStop {
		return nil
	}
	return err
}

func (s *jsonScanner) scanValue(depth int) error {
	if depth > maxJSONDepth {
		return fmt.Errorf("JSON nested deeper than %d levels", maxJSONDepth)
	}
	s.skipSpace()
	if s.i >= len(s.data) {
		return errStop
	}
	switch s.data[s.i] {
	case '{':
		return s.object(depth)
	case '[':
		s.i++
		s.skipSpace()
		if s.i < len(s.data) && s.data[s.i] == ']' {
			s.i++
			return nil
		}
		for {
			if err := s.scanValue(depth + 1); err != nil {
				return err
			}
			s.skipSpace()
			if s.i >= len(s.data) {
				return errStop
			}
			switch s.data[s.i] {
			case ',':
				s.i++
			case ']':
				s.i++
				return nil
			default:
				return errStop
			}
		}
	case '"':
		_, err := s.str(nil)
		return err
	}
	// A number or a literal.
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return nil
		}
		s.i++
	}
	return nil
}

func (s *jsonScanner) object(depth int) error {
	s.i++ // {
	start := len(s.buf)
	defer func() { s.buf = s.buf[:start] }()
	// names[k] is the range of the k-th folded member name in s.buf.
	var names [16][2]int
	more := names[:0]
	for {
		s.skipSpace()
		if s.i >= len(s.data) {
			return errStop
		}
		if s.data[s.i] == '}' && len(more) == 0 {
			s.i++
			return nil
		}
		if s.data[s.i] != '"' {
			return errStop
		}
		at := s.i
		from := len(s.buf)
		var err error
		if s.buf, err = s.str(s.buf); err != nil {
			return err
		}
		name := s.buf[from:]
		for _, r := range more {
			if string(s.buf[r[0]:r[1]]) == string(name) {
				return fmt.Errorf("member %s at byte offset %d repeats an earlier member's name (names match regardless of case)",
					strconv.Quote(clip(string(s.data[at+1:min(s.i-1, at+1+64)]), 64)), at)
			}
		}
		more = append(more, [2]int{from, len(s.buf)})
		s.skipSpace()
		if s.i >= len(s.data) || s.data[s.i] != ':' {
			return errStop
		}
		s.i++
		if err := s.scanValue(depth + 1); err != nil {
			return err
		}
		s.skipSpace()
		if s.i >= len(s.data) {
			return errStop
		}
		switch s.data[s.i] {
		case ',':
			s.i++
		case '}':
			s.i++
			return nil
		default:
			return errStop
		}
	}
}

// str scans the string at s.i. With a non-nil fold it appends the decoded
// string folded as encoding/json folds member names, and returns it.
func (s *jsonScanner) str(fold []byte) ([]byte, error) {
	s.i++ // opening quote
	for s.i < len(s.data) {
		c := s.data[s.i]
		switch {
		case c == '"':
			s.i++
			return fold, nil
		case c == '\\':
			if s.i+1 >= len(s.data) {
				return fold, errStop
			}
			e := s.data[s.i+1]
			if e != 'u' {
				s.i += 2
				if fold != nil {
					fold = appendFolded(fold, rune(unescape(e)))
				}
				continue
			}
			r, ok := hex4(s.data, s.i+2)
			if !ok {
				return fold, errStop
			}
			at := s.i
			s.i += 6
			if utf16IsSurrogate(r) {
				r2, ok2 := rune(0), false
				if r < 0xDC00 && s.i+1 < len(s.data) && s.data[s.i] == '\\' && s.data[s.i+1] == 'u' {
					r2, ok2 = hex4(s.data, s.i+2)
					ok2 = ok2 && r2 >= 0xDC00 && r2 <= 0xDFFF
				}
				if !ok2 {
					return fold, fmt.Errorf("unpaired surrogate escape at byte offset %d", at)
				}
				s.i += 6
				r = 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00)
			}
			if fold != nil {
				fold = appendFolded(fold, r)
			}
		case c < 0x20:
			return fold, errStop
		case c < utf8.RuneSelf:
			s.i++
			if fold != nil {
				fold = appendFolded(fold, rune(c))
			}
		default:
			r, size := utf8.DecodeRune(s.data[s.i:])
			s.i += size
			if fold != nil {
				fold = appendFolded(fold, r)
			}
		}
	}
	return fold, errStop
}

func unescape(e byte) byte {
	switch e {
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return e // " \ / (anything else is a syntax error encoding/json reports)
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

func utf16IsSurrogate(r rune) bool { return 0xD800 <= r && r <= 0xDFFF }

// appendFolded appends r folded the way encoding/json compares member
// names: ASCII letters to upper case, other runes to the smallest rune of
// their case-folding orbit (so "K", "k" and the Kelvin sign K are equal).
func appendFolded(b []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' {
			r -= 'a' - 'A'
		}
		return append(b, byte(r))
	}
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			r = r2
			break
		}
		r = r2
	}
	if r < utf8.RuneSelf && 'a' <= r && r <= 'z' {
		r -= 'a' - 'A'
	}
	return utf8.AppendRune(b, r)
}
