package jumps_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/payscoregen/payscoregen/generated/payscore"
	"github.com/payscoregen/payscoregen/runtime/jumps"
	"github.com/payscoregen/payscoregen/runtime/jumpsign"
)

// The back end builds the signed confirm-order jump (小程序调起支付分-确认订单)
// and sends its JSON to the mini program, which passes it to
// wx.openBusinessView (generated/js/payscore.js: payscore.openConfirmOrder).
// WithClock and WithNonce fix the timestamp and nonce, as in a test; leave
// them out in production.
func Example() {
	apiV2Key := jumpsign.Secret("0123456789abcdefghijklmnopqrstuv") // prints as [REDACTED]
	params, err := payscore.NewConfirmOrderOpenBusinessView(payscore.ConfirmOrderData{
		MchID:   "1230000109",
		Package: "XXXXXXXX", // the package field of the 创建订单 response
	}, apiV2Key,
		jumps.WithClock(func() time.Time { return time.Unix(1530097563, 0) }),
		jumps.WithNonce(func() (string, error) { return "zyx53Nkey8o4bHpxTQvd8m7e92nG5mG2", nil }))
	if err != nil {
		log.Fatal(err)
	}
	out, err := json.MarshalIndent(params, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(out))
	fmt.Println("verifies:", params.ExtraData.VerifySign(apiV2Key))
	// Output:
	// {
	//   "businessType": "wxpayScoreUse",
	//   "extraData": {
	//     "mch_id": "1230000109",
	//     "package": "XXXXXXXX",
	//     "timestamp": "1530097563",
	//     "nonce_str": "zyx53Nkey8o4bHpxTQvd8m7e92nG5mG2",
	//     "sign_type": "HMAC-SHA256",
	//     "sign": "A48EACE16C228EFD28D5D81C585AA48A93B44A6A27217667BF05C0F7A0435491"
	//   }
	// }
	// verifies: true
}

// The mini program posts back what the Pay Score page returned (its query_id
// when the user used the page's own back button).
func Example_returnData() {
	ret, err := payscore.ParseConfirmOrderReturn([]byte(`{"query_id":"15754560779329580038"}`))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ret.QueryID)

	_, err = payscore.ParseConfirmOrderReturn([]byte(`{}`))
	fmt.Println(errors.Is(err, jumps.ErrNoReturnData))
	// Output:
	// 15754560779329580038
	// true
}
