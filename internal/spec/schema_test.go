package spec

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(JSONSchema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// yamlToJSON turns YAML into the JSON value a YAML-aware editor checks.
func yamlToJSON(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func TestSchemaFileIsFresh(t *testing.T) {
	got, err := os.ReadFile("../../spec/schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(JSONSchema()), string(got)); diff != "" {
		t.Errorf("spec/schema.json is stale; run `make generate` (-fresh +committed):\n%s", diff)
	}
}

func TestShippedSpecValidatesAgainstSchema(t *testing.T) {
	sch := compileSchema(t)
	n := 0
	err := filepath.WalkDir("../../spec", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		n++
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := sch.Validate(yamlToJSON(t, data)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no spec files found")
	}
}

// The schema and the loader accept and reject the same structural mistakes.
func TestSchemaAndLoaderAgree(t *testing.T) {
	sch := compileSchema(t)
	cases := []struct {
		name, replace, with string
		bad                 bool
	}{
		{"good", "", "", false},
		{"unknown key", "max_length: 32", "max_lenght: 32", true},
		{"string for integer", "max_length: 32", "max_length: thirty", true},
		{"bad enum", "method: GET", "method: FETCH", true},
		{"missing required", "    summary: 查询授权\n", "", true},
		{"number for string", "title: 查询", "title: 42", true},
		{"mapping for list", "error_sets: [common]", "error_sets: {common: 1}", true},
		{"scalar example may be a number", "example: 1234323JKHDFE1243252", "example: 12343", false},
		{"bool for integer", "success_status: 200", "success_status: true", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := good
			if tc.replace != "" {
				if !strings.Contains(body, tc.replace) {
					t.Fatalf("stale case: %q", tc.replace)
				}
				body = strings.Replace(body, tc.replace, tc.with, 1)
			}
			_, problems := Parse("a.yaml", []byte(body))
			schemaErr := sch.Validate(yamlToJSON(t, []byte(body)))
			if loaderBad := len(problems) > 0; loaderBad != tc.bad {
				t.Errorf("loader rejects=%v, want %v: %v", loaderBad, tc.bad, problems)
			}
			if schemaBad := schemaErr != nil; schemaBad != tc.bad {
				t.Errorf("schema rejects=%v, want %v: %v", schemaBad, tc.bad, schemaErr)
			}
		})
	}
}
