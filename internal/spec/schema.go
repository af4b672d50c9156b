package spec

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
)

// JSONSchema returns the JSON Schema (2020-12) of a spec file. It is built
// from the same struct tags the loader reads, so the two cannot drift apart;
// spec/schema.json is this output, and a test keeps it fresh.
func JSONSchema() []byte {
	defs := map[string]any{}
	root := schemaOf(reflect.TypeOf(File{}), defs)
	doc := map[string]any{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         "https://github.com/payscoregen/payscoregen/spec/schema.json",
		"title":       "payscoregen spec file",
		"description": "One WeChat Pay documentation page transcribed for payscoregen; see spec/README.md.",
		"$ref":        root["$ref"],
		"$defs":       defs,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		panic(err) // only maps, strings and slices: cannot fail
	}
	return buf.Bytes()
}

func schemaOf(t reflect.Type, defs map[string]any) map[string]any {
	switch t.Kind() {
	case reflect.Pointer:
		return schemaOf(t.Elem(), defs)
	case reflect.Slice:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), defs)}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Int, reflect.Int64:
		return map[string]any{"type": "integer"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Struct:
		name := strings.ToLower(t.Name())
		ref := map[string]any{"$ref": "#/$defs/" + name}
		if _, done := defs[name]; done {
			return ref
		}
		defs[name] = nil // placeholder against recursion (Field.Fields)
		si := infoOf(t)
		props := map[string]any{}
		var required []string
		for _, k := range si.Keys {
			var ps map[string]any
			switch {
			case k.Scalar && k.Type.Kind() == reflect.String:
				ps = map[string]any{"type": []string{"string", "number", "boolean"}}
			default:
				ps = schemaOf(k.Type, defs)
			}
			switch {
			case len(k.Enum) > 0 && k.Type.Kind() == reflect.Slice:
				ps["items"] = map[string]any{"type": "string", "enum": k.Enum}
			case len(k.Enum) > 0:
				ps["enum"] = k.Enum
			}
			props[k.Key] = ps
			if k.Required {
				required = append(required, k.Key)
			}
		}
		def := map[string]any{
			"type":                 "object",
			"properties":           props,
			"additionalProperties": false,
		}
		if len(required) > 0 {
			def["required"] = required
		}
		defs[name] = def
		return ref
	}
	panic("spec: no schema for kind " + t.Kind().String())
}
