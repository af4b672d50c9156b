package spec

import (
	"reflect"
	"strings"
	"sync"
)

// keyInfo is what the struct tags say about one YAML key.
type keyInfo struct {
	Key      string
	Index    int
	Required bool
	Scalar   bool // any scalar is accepted and kept as its source text
	Enum     []string
	Type     reflect.Type
}

// structInfo lists the keys of a model struct in declaration order.
type structInfo struct {
	Keys   []keyInfo
	ByKey  map[string]int
	PosIdx int // index of the embedded Pos, -1 if none
}

var structInfos sync.Map // reflect.Type -> *structInfo

var posType = reflect.TypeOf(Pos{})

func infoOf(t reflect.Type) *structInfo {
	if v, ok := structInfos.Load(t); ok {
		return v.(*structInfo)
	}
	si := &structInfo{ByKey: map[string]int{}, PosIdx: -1}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Type == posType && f.Anonymous {
			si.PosIdx = i
			continue
		}
		key := f.Tag.Get("yaml")
		if key == "" || key == "-" {
			continue
		}
		ki := keyInfo{Key: key, Index: i, Type: f.Type}
		for _, opt := range strings.Split(f.Tag.Get("spec"), ",") {
			switch {
			case opt == "required":
				ki.Required = true
			case opt == "scalar":
				ki.Scalar = true
			case strings.HasPrefix(opt, "enum="):
				ki.Enum = strings.Split(strings.TrimPrefix(opt, "enum="), "|")
			}
		}
		si.ByKey[key] = len(si.Keys)
		si.Keys = append(si.Keys, ki)
	}
	structInfos.Store(t, si)
	return si
}

func (si *structInfo) keyNames() []string {
	names := make([]string, len(si.Keys))
	for i, k := range si.Keys {
		names[i] = k.Key
	}
	return names
}
