package wxtime_test

import (
	"encoding/json"
	"fmt"
	"log"

	"github.com/payscoregen/payscoregen/runtime/wxtime"
)

// Both formats the docs use, and WeChat's "" for an unset time.
func Example() {
	var v struct {
		OpenOrClose wxtime.ChinaTime `json:"openorclose_time"`
		Success     wxtime.RFC3339   `json:"authorization_success_time"`
		Cancel      wxtime.RFC3339   `json:"cancel_authorization_time"`
	}
	err := json.Unmarshal([]byte(`{"openorclose_time":"20180225112233",
		"authorization_success_time":"2015-05-20T13:29:35+08:00","cancel_authorization_time":""}`), &v)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v.OpenOrClose.UTC(), v.Success.UTC(), v.Cancel.IsZero())
	out, _ := json.Marshal(v)
	fmt.Println(string(out))
	// Output:
	// 2018-02-25 03:22:33 +0000 UTC 2015-05-20 05:29:35 +0000 UTC true
	// {"openorclose_time":"20180225112233","authorization_success_time":"2015-05-20T13:29:35+08:00","cancel_authorization_time":""}
}
