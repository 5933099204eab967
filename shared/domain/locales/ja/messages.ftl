label-created-subject = ご注文{ $order }の発送準備を進めています
label-created-headline = 発送準備中です
label-created-body = お荷物の送り状を作成しました。配送業者へのお引き渡しが完了しましたら、あらためてお知らせいたします。
label-created-sms = 【{ $brand }】ご注文{ $order }の発送準備を進めています。

in-transit-subject = ご注文{ $order }の商品を発送しました
in-transit-headline = 商品を発送しました
in-transit-body = お待たせいたしました。お荷物は配送業者に引き渡され、お客様のもとへ向かっています。
in-transit-sms = 【{ $brand }】ご注文{ $order }の商品を発送しました。

out-for-delivery-subject = ご注文{ $order }の商品は本日お届け予定です
out-for-delivery-headline = 本日お届け予定です
out-for-delivery-body = お荷物は本日お届けの予定です。配達員がお届けに向かっています。
out-for-delivery-sms = 【{ $brand }】ご注文{ $order }の商品は本日お届け予定です。

available-for-pickup-subject = ご注文{ $order }の商品をお受け取りいただけます
available-for-pickup-headline = お受け取りの準備ができました
available-for-pickup-body = お荷物は下記の受取場所でお受け取りいただけます。お受け取りの際は、本人確認書類または受取コードをお持ちください。
available-for-pickup-sms = 【{ $brand }】ご注文{ $order }の商品を受取場所でお受け取りいただけます。

attempt-failed-subject = ご注文{ $order }の商品をお届けできませんでした（{ $attempt }回目の配達）
attempt-failed-headline = お届けできませんでした
attempt-failed-body = 配送業者がお荷物をお届けにうかがいましたが（{ $attempt }回目の配達）、お届けできませんでした。次回の配達予定や受け取り方法は、配送状況ページでご確認ください。
attempt-failed-sms = 【{ $brand }】ご注文{ $order }の{ $attempt }回目の配達でお届けできませんでした。

delivered-subject = ご注文{ $order }の商品をお届けしました
delivered-headline = お届けが完了しました
delivered-body = お荷物のお届けが完了しました。商品をお楽しみいただければ幸いです。
delivered-sms = 【{ $brand }】ご注文{ $order }の商品のお届けが完了しました。

exception-subject = ご注文{ $order }の配送に問題が発生しました
exception-headline = 配送に問題が発生しました
exception-body = 配送業者から、配送に関する問題の報告がありました（理由：{ $reason }）。現在確認を進めており、状況がわかり次第ご連絡いたします。
exception-sms = 【{ $brand }】ご注文{ $order }の配送に問題が発生しました。詳細：

delayed-subject = ご注文{ $order }のお届けが遅れています
delayed-headline = お届けが遅れており申し訳ございません
delayed-body = 大変申し訳ございません。お荷物の到着が{ $old }より遅れる見込みです。{ $new }
delayed-sms = 【{ $brand }】ご注文{ $order }のお届けが遅れており申し訳ございません。{ $new }

stalled-subject = ご注文{ $order }の配送状況について
stalled-headline = 配送状況を確認しています
stalled-body = ここ数日、お荷物の配送状況が更新されていません。配送業者に確認しておりますので、動きがあり次第お知らせいたします。
stalled-sms = 【{ $brand }】ご注文{ $order }の配送状況を配送業者に確認しています。

trending-late-subject = ご注文{ $order }のお届けが少し遅れる可能性があります
trending-late-headline = お届けが少し遅れる可能性があります
trending-late-body = お荷物の配送が通常よりゆっくり進んでいるため、{ $old }より少し遅れてのお届けとなる可能性があります。引き続き状況を見守り、配送業者がお届け日を確定し次第、お知らせいたします。
trending-late-sms = 【{ $brand }】ご注文{ $order }のお届けが{ $old }より少し遅れる可能性があります。見守っています。

returning-to-sender-subject = ご注文{ $order }の商品が当店へ返送されています
returning-to-sender-headline = 当店へ返送中です
returning-to-sender-body = お荷物は配送業者により当店へ返送されています。再配送または返金について、あらためてご連絡いたします。
returning-to-sender-sms = 【{ $brand }】ご注文{ $order }の商品が当店へ返送されています。追ってご連絡します。

returned-to-sender-subject = ご注文{ $order }の商品が当店に戻りました
returned-to-sender-headline = 当店に返送されました
returned-to-sender-body = お荷物が当店に返送されました。再配送または返金について、こちらからご連絡いたします。
returned-to-sender-sms = 【{ $brand }】ご注文{ $order }の商品が当店に戻りました。追ってご連絡します。

greeting = { $name }様
order = ご注文番号
carrier = 配送業者
tracking-number = 追跡番号
track-button = 配送状況を確認する
expected-delivery = お届け予定日
shop-estimate = { $brand }によるお届け予測
date-range = { $from }〜{ $to }
signed-by = 受領者
pickup-point = 受取場所
pickup-address = 住所
pickup-hours = 営業時間
recommendations = こちらもおすすめ
discount = お詫びのしるしとして、割引コードをお送りします：{ $code }
support = ご不明な点がございましたら、お気軽にお問い合わせください
unsubscribe = 配送に関するお知らせの配信を停止する
new-date-known = 新しいお届け予定日は{ $new }です。
new-date-unknown = 新しいお届け予定日がわかり次第、お知らせいたします。
sms-new-date-known = お届け予定：{ $new }
sms-new-date-unknown = 追ってご連絡します。
expected-day = お届け予定日
reason-fallback = 配達未完了

reason-address-issue = お届け先住所の不明または不備
reason-recipient-moved = お届け先のご転居
reason-refused = お受け取りの辞退
reason-awaiting-payment = 関税・手数料のお支払い待ち
reason-missing-documents = 通関書類の不足
reason-customs-delay = 税関での保留
reason-customs-processing = 通関手続き中
reason-held-by-carrier = 配送業者での保管
reason-damaged = お荷物の破損
reason-lost = お荷物の紛失
reason-disposed = お荷物の廃棄
reason-undeliverable = 配達不能
reason-unclaimed = 保管期限切れ
reason-rejected-by-carrier = 配送業者による引き受け不可
reason-weather-delay = 悪天候
reason-carrier-delay = 配送業者の遅延
reason-external-delay = 配送業者の管理外の事情
reason-missorted = 仕分けの誤り
reason-late-flight = 航空便の遅延
reason-access-issue = お届け先への立ち入り不可
reason-business-closed = お届け先の休業・営業時間外
reason-recipient-unavailable = ご不在
reason-pickup-missed = 受取期限切れ
reason-contact-carrier = 配送業者へのご連絡が必要
reason-notice-left = ご不在連絡票の投函

# Dates. Month and weekday names come from CLDR (icu_datetime): $weekday, $weekday_short,
# $month, $mon (abbreviated month); $day (a number, so a pattern can select on it),
# $m (month number) and $year. A `month-short-N` (or `weekday-N`, `weekday-short-N`,
# `month-N`) message here replaces CLDR's name.
date-long = { $m }月{ $day }日（{ $weekday_short }）
date-short = { $m }月{ $day }日
date-long-year = { $year }年{ $m }月{ $day }日（{ $weekday_short }）
date-short-year = { $year }年{ $m }月{ $day }日

parcel-position = { $total }個口中{ $n }個目のお荷物
parcel-share = ご注文の{ $total }点のうち{ $n }点
parcel-contents = このお荷物の内容
other-parcels = このご注文のほかのお荷物
