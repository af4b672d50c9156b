package kv_test

import (
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/payscoregen/payscoregen/runtime/kv"
	"github.com/payscoregen/payscoregen/runtime/validate"
)

func TestParseForm(t *testing.T) {
	m, err := kv.ParseForm([]byte("a=1&b=x+y%2Bz&c=&d&&%E4%B8%AD=%E6%96%87"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a": "1", "b": "x y+z", "c": "", "d": "", "中": "文"}
	if !maps.Equal(m, want) {
		t.Errorf("ParseForm = %v, want %v", m, want)
	}
	var rk *kv.RepeatedKeyError
	if _, err := kv.ParseForm([]byte("a=1&b=2&a=1")); !errors.As(err, &rk) || rk.Key != "a" {
		t.Errorf("repeated key: %v", err)
	}
	var se *kv.SyntaxError
	if _, err := kv.ParseForm([]byte("a=%zz")); !errors.As(err, &se) || strings.Contains(err.Error(), "zz") {
		t.Errorf("malformed: %v", err)
	}
	if m, err := kv.ParseForm(nil); err != nil || len(m) != 0 {
		t.Errorf("empty: %v, %v", m, err)
	}
}

func TestParseJSONObject(t *testing.T) {
	m, err := kv.ParseJSONObject([]byte(` {"s":"x\u0041","n":100,"f":-1.5e3,"t":true,"b":false,"z":null,"o":{ "k" : [1, 2] },"a":[],"e":""} `))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"s": "xA", "n": "100", "f": "-1.5e3", "t": "true", "b": "false", "o": `{"k":[1,2]}`, "a": "[]", "e": ""}
	if !maps.Equal(m, want) {
		t.Errorf("got %v\nwant %v", m, want)
	}
	for name, tc := range map[string]struct {
		in    string
		check func(error) bool
	}{
		"array":          {`[1]`, func(e error) bool { return errors.Is(e, kv.ErrNotObject) }},
		"string":         {`"x"`, func(e error) bool { return errors.Is(e, kv.ErrNotObject) }},
		"repeated":       {`{"a":1,"a":1}`, func(e error) bool { var r *kv.RepeatedKeyError; return errors.As(e, &r) }},
		"repeated null":  {`{"a":null,"a":1}`, func(e error) bool { var r *kv.RepeatedKeyError; return errors.As(e, &r) }},
		"unterminated":   {`{"a":1`, func(e error) bool { var s *kv.SyntaxError; return errors.As(e, &s) }},
		"trailing":       {`{"a":1}x`, func(e error) bool { var s *kv.SyntaxError; return errors.As(e, &s) }},
		"second object":  {`{} {}`, func(e error) bool { var s *kv.SyntaxError; return errors.As(e, &s) }},
		"bad value":      {`{"a":tru}`, func(e error) bool { var s *kv.SyntaxError; return errors.As(e, &s) }},
		"empty":          {``, func(e error) bool { var s *kv.SyntaxError; return errors.As(e, &s) }},
		"secret in text": {`{"a":"SECRET"`, func(e error) bool { return !strings.Contains(e.Error(), "SECRET") }},
	} {
		if _, err := kv.ParseJSONObject([]byte(tc.in)); err == nil || !tc.check(err) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func FuzzParseJSONObject(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"a":{"b":[1,{"c":null}]}}`, `{"a":"\ud800"}`, `[]`, `{"a":1,"a":2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := kv.ParseJSONObject(data)
		if err == nil && m == nil {
			t.Fatal("nil map without an error")
		}
	})
}

func TestDecoder(t *testing.T) {
	m := map[string]string{"i": "-42", "big": "99999999999999999999", "f": "1.5", "t": "true", "one": "1", "no": "false", "y": "yes"}
	var d kv.Decoder
	if d.Int(m, "i") != -42 || d.Int(m, "absent") != 0 || !d.Bool(m, "t") || !d.Bool(m, "one") || d.Bool(m, "no") || d.Bool(m, "absent") {
		t.Error("valid values decoded wrongly")
	}
	if err := d.Err("x.T"); err != nil {
		t.Fatalf("no errors yet: %v", err)
	}
	d.Int(m, "big")
	d.Int(m, "f")
	d.Bool(m, "y")
	err := d.Err("x.T")
	var ve *validate.Errors
	if !errors.As(err, &ve) || ve.Type != "x.T" || len(ve.Fields) != 3 {
		t.Fatalf("err = %v", err)
	}
	var te *kv.TypeError
	if !errors.As(ve.Fields[2], &te) || te.Want != "boolean" || te.Length != 3 || ve.Fields[2].Path != "y" {
		t.Errorf("third error = %v", ve.Fields[2])
	}
	if strings.Contains(err.Error(), "yes") || strings.Contains(err.Error(), "1.5") {
		t.Errorf("error echoes a value: %v", err)
	}
}

func TestFormatInt(t *testing.T) {
	for n, want := range map[int64]string{0: "", 1: "1", -7: "-7", 12345: "12345"} {
		if got := kv.FormatInt(n); got != want {
			t.Errorf("FormatInt(%d) = %q, want %q", n, got, want)
		}
	}
}
