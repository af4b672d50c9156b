package gen_test

import (
	"bytes"
	"go/format"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/payscoregen/payscoregen/internal/gen"
	"github.com/payscoregen/payscoregen/internal/spec"
	"github.com/payscoregen/payscoregen/internal/synthspec"
)

// Generated Go is gofmt'd as rendered (groupImports re-sorts the import
// block without a second go/format pass): formatting it again changes
// nothing, for the shipped spec and a synthetic one of several packages.
func TestGeneratedGoIsFormatted(t *testing.T) {
	shipped, err := spec.LoadDir("../../spec")
	if err != nil {
		t.Fatal(err)
	}
	syn, err := synthspec.Build(os.DirFS("../../spec"), 12)
	if err != nil {
		t.Fatal(err)
	}
	synthetic, err := spec.LoadFS(mapFS(syn.Files), "synthetic")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*spec.Spec{shipped, synthetic} {
		files, err := gen.Generate(s, gen.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for name, data := range files {
			if !strings.HasSuffix(name, ".go") {
				continue
			}
			formatted, err := format.Source(data)
			if err != nil {
				t.Errorf("%s: %v", name, err)
			} else if !bytes.Equal(formatted, data) {
				t.Errorf("%s is not gofmt'd", name)
			}
		}
	}
}

func mapFS(files map[string][]byte) fstest.MapFS {
	m := fstest.MapFS{}
	for name, data := range files {
		m[name] = &fstest.MapFile{Data: data}
	}
	return m
}
