<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>AudioView</name>
    <message>
        <location filename="../../ui/widgets/views/audio.py" line="30"/>
        <source>amplitude</source>
        <translation>振幅</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/audio.py" line="38"/>
        <source>frequency (Hz)</source>
        <translation>周波数 (Hz)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/audio.py" line="39"/>
        <source>time (s)</source>
        <translation>時間 (秒)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/audio.py" line="54"/>
        <source>{0} s at {1} Hz</source>
        <translation>{0} 秒・{1} Hz</translation>
    </message>
</context>
<context>
    <name>BoardPanel</name>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="75"/>
        <source>no trained board-game run yet</source>
        <translation>学習済みのボードゲームの実行はまだありません</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="76"/>
        <source>Open a board-game run folder</source>
        <translation>ボードゲームの実行フォルダーを開く</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="80"/>
        <source>X (you move first)</source>
        <translation>X（あなたが先手）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="81"/>
        <source>O (the agent moves first)</source>
        <translation>O（エージェントが先手）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="86"/>
        <source>New game</source>
        <translation>新しいゲーム</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="88"/>
        <source>Undo</source>
        <translation>元に戻す</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="92"/>
        <source>You play</source>
        <translation>あなたの手番</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="93"/>
        <source>MCTS simulations</source>
        <translation>MCTS シミュレーション回数</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="98"/>
        <source>Game</source>
        <translation>ゲーム</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="127"/>
        <source>Runs of alphago_zero and alphago. On each empty cell (each column&apos;s bar in Connect Four): n, the agent&apos;s MCTS visit count for that move in the position shown, and p, its network&apos;s prior; the outlined move is the one the search prefers. The value is the network&apos;s estimate for the side to move, from -1 (lost) to +1 (won).</source>
        <translation>alphago_zero と alphago の実行。各空きマス（Connect Four では各列の棒）に、表示中の局面でその手に対するエージェントの MCTS 訪問回数 n と、ネットワークの事前確率 p を示します。枠で囲んだ手が探索の選ぶ手です。価値は手番側についてのネットワークの推定値で、-1（負け）から +1（勝ち）までです。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="154"/>
        <source>loading the agent…</source>
        <translation>エージェントを読み込み中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="177"/>
        <source>the agent is thinking; undo when it has moved</source>
        <translation>エージェントが考え中です。指し終えてから元に戻してください</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="196"/>
        <source>choose a board-game run first (train alphago_zero on tictactoe)</source>
        <translation>先にボードゲームの実行を選んでください（alphago_zero を tictactoe で学習）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="200"/>
        <source>the agent is thinking; wait for its move</source>
        <translation>エージェントが考え中です。指すまでお待ちください</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="203"/>
        <source>it is the agent&apos;s turn</source>
        <translation>エージェントの手番です</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="231"/>
        <source>the agent is thinking…</source>
        <translation>エージェントが考え中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="232"/>
        <source>your move (the agent is reading the board…)</source>
        <translation>あなたの手番です（エージェントが盤面を読んでいます…）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="267"/>
        <source>Game over: a draw</source>
        <translation>ゲーム終了：引き分け</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="269"/>
        <source>Game over: you win!</source>
        <translation>ゲーム終了：あなたの勝ち！</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="271"/>
        <source>Game over: the agent ({0}) wins</source>
        <translation>ゲーム終了：エージェント（{0}）の勝ち</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="274"/>
        <source>Your move ({0})</source>
        <translation>あなたの手番（{0}）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="277"/>
        <source>{0} · move {1}</source>
        <translation>{0} · {1} 手目</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="280"/>
        <source>none yet</source>
        <translation>まだありません</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="282"/>
        <source>&lt;b&gt;{0}&lt;/b&gt; on this position ({1} to move), {2} simulations:&lt;br&gt;network value &lt;b&gt;{3}&lt;/b&gt; · search value &lt;b&gt;{4}&lt;/b&gt;&lt;br&gt;the search prefers &lt;b&gt;{5}&lt;/b&gt; ({6})&lt;br&gt;moves so far: {7}</source>
        <translation>この局面での &lt;b&gt;{0}&lt;/b&gt;（手番 {1}）、シミュレーション {2} 回：&lt;br&gt;ネットワークの価値 &lt;b&gt;{3}&lt;/b&gt; · 探索の価値 &lt;b&gt;{4}&lt;/b&gt;&lt;br&gt;探索が選ぶ手 &lt;b&gt;{5}&lt;/b&gt;（{6}）&lt;br&gt;これまでの手：{7}</translation>
    </message>
</context>
<context>
    <name>BoardView</name>
    <message>
        <location filename="../../ui/widgets/board/board_view.py" line="80"/>
        <source>Choose a board-game run</source>
        <translation>ボードゲームの実行を選んでください</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/board/board_view.py" line="159"/>
        <source>full</source>
        <translation>満杯</translation>
    </message>
</context>
<context>
    <name>BoxExplainer</name>
    <message>
        <location filename="../../ui/widgets/detect/box_explainer.py" line="31"/>
        <source>Grad-CAM · class score</source>
        <extracomment>(label, method, which map, weighting); labels translated when shown</extracomment>
        <translation>Grad-CAM · クラススコア</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/box_explainer.py" line="32"/>
        <source>Grad-CAM · box regression</source>
        <translation>Grad-CAM · ボックス回帰</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/box_explainer.py" line="33"/>
        <source>ODAM · class score (this box only)</source>
        <translation>ODAM · クラススコア (このボックスのみ)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/box_explainer.py" line="34"/>
        <source>ODAM · box regression</source>
        <translation>ODAM · ボックス回帰</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/box_explainer.py" line="35"/>
        <source>D-RISE (random masks)</source>
        <translation>D-RISE (ランダムマスク)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/box_explainer.py" line="37"/>
        <source> Grad-CAM gives each channel one weight for the whole map, so other objects with the same features light up too; ODAM weighs each location and keeps to this box.</source>
        <extracomment>shown under a Grad-CAM map: why other objects may light up (translated when shown)</extracomment>
        <translation>Grad-CAM はチャネルごとにマップ全体で 1 つの重みを使うため、同じ特徴を持つ他の物体も光ります。ODAM は位置ごとに重み付けし、このボックスにとどまります。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/box_explainer.py" line="62"/>
        <source>Box explanation</source>
        <translation>ボックスの説明</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/box_explainer.py" line="67"/>
        <source>Grad-CAM: gradients of this box&apos;s own raw output (its class score, or the sum of its box offsets), one weight per channel. ODAM: the same gradients kept per location, so the map stays on this box&apos;s evidence. D-RISE: the image under random masks, each weighted by how well the detections still match this box.</source>
        <translation>Grad-CAM: このボックス自身の生の出力 (クラススコア、またはボックスのオフセットの和) の勾配で、チャネルごとに 1 つの重み。ODAM: 同じ勾配を位置ごとに保つので、マップはこのボックスの根拠にとどまります。D-RISE: ランダムなマスクをかけた画像を、検出がこのボックスにどれだけ一致し続けるかで重み付けします。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/box_explainer.py" line="76"/>
        <source> masks</source>
        <translation> マスク</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/box_explainer.py" line="77"/>
        <source>D-RISE: how many masked images to run (more: less noise, longer)</source>
        <translation>D-RISE: 実行するマスク画像の数 (多いほどノイズが減り、時間がかかります)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/box_explainer.py" line="78"/>
        <source>Click a box in the picture to see what made it.</source>
        <translation>画像のボックスをクリックすると、その根拠を表示します。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/box_explainer.py" line="178"/>
        <source>Computing {0} for box {1}…</source>
        <translation>ボックス {1} の {0} を計算中…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/box_explainer.py" line="223"/>
        <source>box {0}: {1} {2:.2f}</source>
        <translation>ボックス {0}: {1} {2:.2f}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/box_explainer.py" line="224"/>
        <source> Layer {0}.</source>
        <translation>層 {0}。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/box_explainer.py" line="225"/>
        <source> The map is empty: nothing at this layer speaks for the box.</source>
        <translation>マップは空です: この層にはこのボックスを支持するものがありません。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/box_explainer.py" line="229"/>
        <source>{0}.{1} {2:.2f} s.{3}{4}</source>
        <translation>{0}。{1}{2:.2f} 秒。{3}{4}</translation>
    </message>
</context>
<context>
    <name>ComparePanel</name>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="194"/>
        <source>Validation row</source>
        <extracomment>(run, done, total) and (run, row) from the comparison&apos;s worker thread (queued to the GUI thread). The run&apos;s input: model input, picture the heatmaps are drawn over, file stem. Fixed when Explain is pressed, so changing the image mid-run cannot mix two inputs.</extracomment>
        <translation>検証データの行</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="194"/>
        <source>Validation sample</source>
        <translation>検証サンプル</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="215"/>
        <source>No model yet: train one in the Train tab, or open a .keras file (File ▸ Open model…). Image classifiers get a grid of heatmaps; table classifiers (e.g. the MLP on iris) get SHAP and LIME bars.</source>
        <translation>モデルがまだありません: 学習タブで学習するか、.keras ファイルを開いてください (ファイル ▸ モデルを開く…)。画像分類器にはヒートマップのグリッド、表データの分類器 (例: iris の MLP) には SHAP と LIME の棒グラフが表示されます。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="219"/>
        <source>Inspecting the model…</source>
        <translation>モデルを調べています…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="221"/>
        <source>This model cannot be explained here: {0}</source>
        <translation>このモデルはここでは説明できません: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="223"/>
        <source>This model takes rows of {0} features: load the table it was trained on (e.g. iris) in the Data tab.</source>
        <translation>このモデルは {0} 個の特徴量を持つ行を入力にとります: 学習に使った表 (例: iris) をデータタブで読み込んでください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="226"/>
        <source>Pick a validation sample (an image data set in the Data tab), or open or drop an image file.</source>
        <translation>検証サンプルを選ぶ (データタブで画像データセットを読み込む) か、画像ファイルを開くかドロップしてください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="229"/>
        <source>Check at least one method.</source>
        <translation>手法を 1 つ以上選んでください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="231"/>
        <source>This model reads table rows: press Explain to see how much each feature of the chosen validation row adds to the class probability, by SHAP and by LIME.</source>
        <translation>このモデルは表の行を読みます: 「説明」を押すと、選んだ検証データの行の各特徴量がクラス確率にどれだけ寄与するかを SHAP と LIME で表示します。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="250"/>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="256"/>
        <source>{0} (trained: {1})</source>
        <translation>{0} (学習済み: {1})</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="257"/>
        <source>{0} (file: {1})</source>
        <translation>{0} (ファイル: {1})</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="307"/>
        <source>feature {0}</source>
        <translation>特徴量 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="371"/>
        <source>Predicted &lt;b&gt;{0}&lt;/b&gt; ({1:.1%})</source>
        <translation>予測 &lt;b&gt;{0}&lt;/b&gt; ({1:.1%})</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="425"/>
        <source>Cancelling after the method that is running…</source>
        <translation>実行中の手法が終わったらキャンセルします…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="463"/>
        <source>scores failed</source>
        <translation>スコアの計算に失敗</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="482"/>
        <source>Cancelled: {0} of {1} methods explained.</source>
        <translation>キャンセルしました: {1} 手法のうち {0} 手法を説明しました。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="486"/>
        <source>Explained with {0} method(s) in {1:.1f} s.</source>
        <translation>{0} 手法で説明しました ({1:.1f} 秒)。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="487"/>
        <source>Explained with {0} method(s).</source>
        <translation>{0} 手法で説明しました。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="540"/>
        <source>{0:.2f} s · class {1}</source>
        <translation>{0:.2f} 秒 · クラス {1}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="557"/>
        <source>Save the overlays to a folder</source>
        <translation>オーバーレイをフォルダーに保存</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="564"/>
        <source>Nothing to save yet: press Explain first.</source>
        <translation>まだ保存するものがありません: 先に「説明」を押してください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="571"/>
        <source>Saving {0} images to {1}…</source>
        <translation>{0} 枚の画像を {1} に保存中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="575"/>
        <source>Saved {0} images to {1}</source>
        <translation>{0} 枚の画像を {1} に保存しました</translation>
    </message>
</context>
<context>
    <name>ConfusionMatrixView</name>
    <message>
        <location filename="../../ui/widgets/confusion_matrix.py" line="112"/>
        <source>true {0} → predicted {1}: {2} sample(s) ({3} of the true {0})</source>
        <extracomment>Labels longer than this are cut on the axes (the tooltip has the whole name). Below this cell size the counts are left out (they would not fit).</extracomment>
        <translation>正解 {0} → 予測 {1}: {2} サンプル (正解 {0} の {3})</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/confusion_matrix.py" line="115"/>
        <source>true {0} → predicted {1}: {2} sample(s)</source>
        <translation>正解 {0} → 予測 {1}: {2} サンプル</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/confusion_matrix.py" line="123"/>
        <source>The confusion matrix appears here after Evaluate.</source>
        <translation>評価を実行すると、ここに混同行列が表示されます。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/confusion_matrix.py" line="170"/>
        <source>true class</source>
        <translation>正解クラス</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/confusion_matrix.py" line="173"/>
        <source>predicted class</source>
        <translation>予測クラス</translation>
    </message>
</context>
<context>
    <name>ContributionChart</name>
    <message>
        <location filename="../../ui/widgets/contribution_chart.py" line="28"/>
        <source>contribution to the class probability</source>
        <extracomment>Longer feature names are shortened on the axis (the tooltip table keeps them whole).</extracomment>
        <translation>クラス確率への寄与</translation>
    </message>
</context>
<context>
    <name>CurvePlot</name>
    <message>
        <location filename="../../ui/widgets/curve_plot.py" line="26"/>
        <source>train, per batch (running mean)</source>
        <extracomment>(label, pen) of the three curves each metric gets (the label is translated when shown).</extracomment>
        <translation>学習・バッチごと (移動平均)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/curve_plot.py" line="28"/>
        <source>train, per epoch</source>
        <translation>学習・エポックごと</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/curve_plot.py" line="29"/>
        <source>validation, per epoch</source>
        <translation>検証・エポックごと</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/curve_plot.py" line="80"/>
        <source>epoch</source>
        <extracomment>Changes made while training (``training.steering``): marked lines with a label.</extracomment>
        <translation>エポック</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/curve_plot.py" line="145"/>
        <source>Curves appear here as soon as training starts: loss and each metric, per batch (thin) and per epoch (thick), training and validation.</source>
        <translation>学習が始まるとすぐに、ここに曲線が表示されます: 損失と各評価指標を、バッチごと (細線) とエポックごと (太線)、学習と検証について。</translation>
    </message>
</context>
<context>
    <name>DataPanel</name>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="21"/>
        <source>actions</source>
        <extracomment>What a source&apos;s ``class_names`` are, by its kind (an environment&apos;s are its actions).</extracomment>
        <translation>行動</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="22"/>
        <source>tokens in the vocabulary</source>
        <translation>語彙のトークン</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="61"/>
        <source>cannot read {0}: {1}</source>
        <extracomment>Samples shown in the grid and rows shown in the table. Steps of a sequence written in one table cell before &quot;…&quot;.</extracomment>
        <translation>{0} を読み込めません: {1}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="64"/>
        <source>{0} needs a header line with at least two columns</source>
        <translation>{0} には 2 列以上の見出し行が必要です</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="110"/>
        <source>{0}  ({1}, embedded)</source>
        <translation>{0}  ({1}、組み込み)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="110"/>
        <source>{0}  ({1}, download)</source>
        <translation>{0}  ({1}、ダウンロード)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="112"/>
        <source>your own data (see Path)</source>
        <translation>自分のデータ (パスを参照)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="116"/>
        <source>Open image folder…</source>
        <translation>画像フォルダを開く…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="117"/>
        <source>A folder with one sub-folder per class: root/&lt;class&gt;/&lt;image&gt;.png</source>
        <translation>クラスごとにサブフォルダを持つフォルダ: root/&lt;class&gt;/&lt;image&gt;.png</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="119"/>
        <source>Open CSV…</source>
        <translation>CSV を開く…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="120"/>
        <source>A table with a header line; choose the target column below. A CSV with source,target columns is read as a graph&apos;s edge list</source>
        <translation>見出し行のある表です。目的変数の列は下で選びます。source,target 列を持つ CSV はグラフの辺リストとして読み込みます</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="123"/>
        <source>Open text…</source>
        <translation>テキストを開く…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="124"/>
        <source>A UTF-8 .txt file to train language models on</source>
        <translation>言語モデルの学習に使う UTF-8 の .txt ファイル</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="133"/>
        <source>Folder images are resized to this square size</source>
        <translation>フォルダの画像はこの大きさの正方形にリサイズされます</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="135"/>
        <source>The column to predict; every other column must hold numbers</source>
        <translation>予測する列です。他の列はすべて数値である必要があります</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="140"/>
        <source>Fraction of the samples held out for validation (stratified)</source>
        <translation>検証用に取り分けるサンプルの割合 (層化)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="143"/>
        <location filename="../../ui/panels/data_panel.py" line="236"/>
        <source>Load</source>
        <translation>読み込む</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="154"/>
        <source>Data set</source>
        <translation>データセット</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="156"/>
        <source>Path</source>
        <translation>パス</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="157"/>
        <source>Image size</source>
        <translation>画像サイズ</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="158"/>
        <source>Target column</source>
        <translation>目的変数の列</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="159"/>
        <source>Validation split</source>
        <translation>検証データの割合</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="162"/>
        <source>Source</source>
        <translation>データ元</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="165"/>
        <source>Nothing loaded yet.</source>
        <translation>まだ何も読み込まれていません。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="168"/>
        <location filename="../../ui/panels/data_panel.py" line="310"/>
        <source>Loading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="171"/>
        <location filename="../../ui/panels/data_panel.py" line="413"/>
        <source>Loading the preview…</source>
        <translation>プレビューを読み込み中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="178"/>
        <source>Samples</source>
        <translation>サンプル</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="179"/>
        <source>The class counts appear here once the data is loaded.</source>
        <translation>データを読み込むと、ここにクラスごとの件数が表示されます。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="180"/>
        <source>Classes</source>
        <translation>クラス</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="198"/>
        <source>Samples per class (train + validation)</source>
        <translation>クラスごとのサンプル数 (訓練 + 検証)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="234"/>
        <source>Load (downloads once, then cached)</source>
        <translation>読み込む (初回のみダウンロードし、以後はキャッシュ)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="251"/>
        <source>Open a folder of class sub-folders</source>
        <translation>クラスごとのサブフォルダを持つフォルダを開く</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="261"/>
        <source>Open a text file</source>
        <translation>テキストファイルを開く</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="262"/>
        <source>Text ({0});;All files ({1})</source>
        <translation>テキスト ({0});;すべてのファイル ({1})</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="267"/>
        <source>Open a CSV table</source>
        <translation>CSV の表を開く</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="268"/>
        <source>CSV tables ({0});;All files ({1})</source>
        <translation>CSV の表 ({0});;すべてのファイル ({1})</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="306"/>
        <source>Choose a data set, an image folder or a CSV file first.</source>
        <translation>先にデータセット、画像フォルダ、または CSV ファイルを選んでください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="313"/>
        <source>Loading {0}…</source>
        <translation>{0} を読み込み中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="321"/>
        <source>No preview: {0}</source>
        <translation>プレビューなし: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="324"/>
        <source>Could not load: see the message in the status bar.</source>
        <translation>読み込めませんでした。ステータスバーのメッセージを見てください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="341"/>
        <source>&lt;b&gt;{0}&lt;/b&gt;: {1:,} training / {2:,} validation samples</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt;: 訓練 {1:,} 件 / 検証 {2:,} 件</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="344"/>
        <source>{0} classes</source>
        <translation>{0} クラス</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="345"/>
        <source>input {0}</source>
        <translation>入力 {0}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="347"/>
        <source>{0} file(s) skipped</source>
        <translation>{0} 個のファイルをスキップ</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="347"/>
        <source>nothing skipped</source>
        <translation>スキップなし</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="355"/>
        <source>Loaded {0}: {1:,} samples; {2} unreadable file(s) skipped (hover the summary to see them)</source>
        <translation>{0} を読み込みました: {1:,} 件。読めない {2} 個のファイルをスキップしました (概要にカーソルを合わせると表示されます)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="357"/>
        <source>Loaded {0}: {1:,} samples</source>
        <translation>{0} を読み込みました: {1:,} 件</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="362"/>
        <source>No classes: this data set&apos;s task is {0}.</source>
        <translation>クラスはありません。このデータセットのタスクは {0} です。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="378"/>
        <source>&lt;b&gt;{0}&lt;/b&gt;: {1:,} images · {2:,} objects · {3} · {4} classes · {5}</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt;: 画像 {1:,} 枚 · 物体 {2:,} 個 · {3} · {4} クラス · {5}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="380"/>
        <source>{0} annotation problem(s)</source>
        <translation>アノテーションの問題 {0} 件</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="380"/>
        <source>no annotation problems</source>
        <translation>アノテーションの問題なし</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="382"/>
        <source>Loaded {0}: {1:,} annotated images; {2} annotation problem(s) (hover the summary to see them)</source>
        <translation>{0} を読み込みました: アノテーション付き画像 {1:,} 枚。アノテーションの問題 {2} 件 (概要にカーソルを合わせると表示されます)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="384"/>
        <source>Loaded {0}: {1:,} annotated images</source>
        <translation>{0} を読み込みました: アノテーション付き画像 {1:,} 枚</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="395"/>
        <source>{0} object(s)</source>
        <translation>物体 {0} 個</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="404"/>
        <source>classes</source>
        <translation>クラス</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="407"/>
        <source>{0} input(s) skipped</source>
        <translation>{0} 個の入力をスキップ</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="410"/>
        <source>Loaded {0} ({1})</source>
        <translation>{0} を読み込みました ({1})</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="427"/>
        <source>This source shows no preview.</source>
        <translation>このデータ元にはプレビューがありません。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="428"/>
        <source>Loaded {0}: {1} preview view(s)</source>
        <translation>{0} を読み込みました: プレビュー {1} 件</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="432"/>
        <source>Preparing a preview of {0}…</source>
        <translation>{0} のプレビューを準備中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="458"/>
        <source>{0} over the steps</source>
        <translation>{0}（各ステップ）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="459"/>
        <source>target</source>
        <translation>目的変数</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="458"/>
        <source>{0} (standardised)</source>
        <translation>{0} (標準化済み)</translation>
    </message>
</context>
<context>
    <name>DetectPanel</name>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="48"/>
        <source>{0} or {1}</source>
        <translation>{0} または {1}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="53"/>
        <source>This tab needs a detection model: train a detector ({0}) or a segmenter ({1}) on the shapes data in the Train tab, or open a .keras detector (File ▸ Open model…).</source>
        <translation>このタブには物体検出モデルが必要です: 学習タブで shapes データに検出器 ({0}) かセグメンテーションモデル ({1}) を学習するか、.keras の検出器を開いてください (ファイル ▸ モデルを開く…)。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="90"/>
        <location filename="../../ui/panels/detect_panel.py" line="267"/>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="106"/>
        <source>Boxes scoring below this are hidden (no new network run)</source>
        <translation>スコアがこれより低いボックスを隠します (ネットワークは再実行しません)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="112"/>
        <source>Non-maximum suppression: of two boxes of one class overlapping more than this (IoU), only the better one stays</source>
        <translation>非最大値抑制 (NMS): 同じクラスの 2 つのボックスがこれ以上 (IoU) 重なると、スコアの高い方だけを残します</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="119"/>
        <source>How strongly the class colours of masks and class maps cover the image</source>
        <translation>マスクとクラスマップの色で画像をどれだけ強く覆うか</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="125"/>
        <source>Show masks</source>
        <translation>マスクを表示</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="127"/>
        <source>Instance masks as translucent fills (Mask R-CNN, ground truth)</source>
        <translation>インスタンスマスクを半透明で塗ります (Mask R-CNN、正解)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="129"/>
        <source>Ground truth beside the predictions</source>
        <translation>予測の横に正解を表示</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="130"/>
        <source>Only images of an annotated set (shapes, VOC, COCO) have one</source>
        <translation>正解があるのは正解付きセット (shapes、VOC、COCO) の画像だけです</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="134"/>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="135"/>
        <source>Images</source>
        <translation>画像</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="142"/>
        <source>Score ≥</source>
        <translation>スコア ≥</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="143"/>
        <source>NMS IoU</source>
        <translation>NMS IoU</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="144"/>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="153"/>
        <source>Detect</source>
        <translation>物体検出</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="172"/>
        <source>Image</source>
        <translation>画像</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="174"/>
        <source>Evaluation</source>
        <translation>評価</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="178"/>
        <source>Thresholds</source>
        <translation>閾値</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="180"/>
        <source>Statistics</source>
        <translation>統計</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="183"/>
        <source>Video</source>
        <translation>動画</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="230"/>
        <source>No model yet: train a detector ({0}) or a segmenter ({1}) on the shapes data in the Train tab, or open a .keras detector (File ▸ Open model…).</source>
        <translation>モデルがまだありません: 学習タブで shapes データに検出器 ({0}) かセグメンテーションモデル ({1}) を学習するか、.keras の検出器を開いてください (ファイル ▸ モデルを開く…)。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="234"/>
        <source>{0} The current model, {1}, is not one.</source>
        <translation>{0} 現在のモデル {1} は該当しません。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="245"/>
        <source>The network runs once per image; the opacity slider only re-blends its stored class map. Drop images, a folder, a VOC, YOLO-txt or KITTI folder or a COCO .json on this tab.</source>
        <translation>ネットワークは画像ごとに 1 回だけ実行されます。不透明度スライダーは保存したクラスマップを重ね直すだけです。画像、フォルダー、VOC・YOLO-txt・KITTI のフォルダー、COCO の .json をこのタブにドロップできます。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="248"/>
        <source>The network runs once per image; the score and NMS sliders only re-filter its stored candidates, so they act at once. Drop images, a folder, a VOC, YOLO-txt or KITTI folder or a COCO .json on this tab.</source>
        <translation>ネットワークは画像ごとに 1 回だけ実行されます。スコアと NMS のスライダーは保存した候補を絞り直すだけなので、すぐに反映されます。画像、フォルダー、VOC・YOLO-txt・KITTI のフォルダー、COCO の .json をこのタブにドロップできます。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="272"/>
        <source>detector</source>
        <translation>検出器</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="272"/>
        <source>segmenter</source>
        <translation>セグメンテーション</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="273"/>
        <source>not a detector</source>
        <translation>検出器ではありません</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="297"/>
        <source>{0} validation ({1} images)</source>
        <translation>{0} 検証用 ({1} 枚)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="300"/>
        <source>{0} ({1} images)</source>
        <translation>{0} ({1} 枚)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="310"/>
        <source>shapes validation ({0} images)</source>
        <translation>shapes 検証用 ({0} 枚)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="319"/>
        <source>The model failed on this image: {0}</source>
        <translation>この画像でモデルの実行に失敗しました: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="321"/>
        <source>Evaluation failed: {0}</source>
        <translation>評価に失敗しました: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="339"/>
        <source>&lt;br&gt;… and {0} more (hover)</source>
        <translation>&lt;br&gt;… ほか {0} 件 (ポインターを合わせると表示)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="341"/>
        <source>&lt;b&gt;{0} annotation problem(s)&lt;/b&gt; in {1} (the rest loaded):&lt;br&gt;{2}</source>
        <translation>{1} に&lt;b&gt;アノテーションの問題が {0} 件&lt;/b&gt; (残りは読み込み済み):&lt;br&gt;{2}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="448"/>
        <source>Running the model…</source>
        <translation>モデルを実行中…</translation>
    </message>
</context>
<context>
    <name>DisplayBox</name>
    <message>
        <location filename="../../ui/widgets/compare/display_box.py" line="20"/>
        <source>Display</source>
        <translation>表示</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/display_box.py" line="27"/>
        <source>How strongly the heatmap covers the image (re-blends instantly)</source>
        <translation>ヒートマップで画像をどれだけ強く覆うか (すぐに重ね直します)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/display_box.py" line="29"/>
        <source>Save overlays…</source>
        <translation>オーバーレイを保存…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/display_box.py" line="30"/>
        <source>Write each cell&apos;s overlay and a comparison sheet as PNG files</source>
        <translation>各セルのオーバーレイと比較シートを PNG ファイルに書き出します</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/display_box.py" line="33"/>
        <source>Colormap</source>
        <translation>カラーマップ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/display_box.py" line="34"/>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
</context>
<context>
    <name>EnsembleButton</name>
    <message>
        <location filename="../../ui/widgets/ensemble_view.py" line="50"/>
        <source>Ensemble…</source>
        <extracomment>The first column&apos;s header: the ensemble size k of the plot&apos;s x axis (a symbol, not a word).</extracomment>
        <translation>アンサンブル…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/ensemble_view.py" line="52"/>
        <source>Average the selected classifier runs&apos; probabilities: accuracy against the number of runs, and the ensemble saved as one model (a distillation teacher)</source>
        <translation>選択した分類器の実行の確率を平均します：実行数に対する精度を示し、アンサンブルを 1 つのモデル（蒸留の教師）として保存します</translation>
    </message>
</context>
<context>
    <name>EnsembleDialog</name>
    <message>
        <location filename="../../ui/widgets/ensemble_view.py" line="81"/>
        <source>Ensemble of {0} runs</source>
        <translation>{0} 個の実行のアンサンブル</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/ensemble_view.py" line="84"/>
        <source>Scoring the members on their validation split…</source>
        <translation>メンバーを検証用データで評価中…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/ensemble_view.py" line="89"/>
        <source>Ensemble of first k</source>
        <translation>最初の k 個のアンサンブル</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/ensemble_view.py" line="89"/>
        <source>Mean alone</source>
        <translation>単独の平均</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/ensemble_view.py" line="90"/>
        <source>Run k alone</source>
        <translation>実行 k 単独</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/ensemble_view.py" line="90"/>
        <source>Run k</source>
        <translation>実行 k</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/ensemble_view.py" line="97"/>
        <source>Save as model…</source>
        <translation>モデルとして保存…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/ensemble_view.py" line="98"/>
        <source>One .keras model averaging the members (loads in safe mode); a distillation teacher: teacher = that file</source>
        <translation>メンバーを平均する 1 つの .keras モデル（セーフモードで読み込めます）。蒸留の教師として使えます：teacher = そのファイル</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/ensemble_view.py" line="103"/>
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/ensemble_view.py" line="139"/>
        <source>{0} runs on {1} validation samples: the ensemble&apos;s accuracy is {2:.4f}, {3:+.4f} against the mean of the runs alone.</source>
        <translation>{0} 個の実行、検証サンプル {1} 個：アンサンブルの精度は {2:.4f}、各実行単独の平均に対して {3:+.4f} です。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/ensemble_view.py" line="147"/>
        <source>Save the ensemble as a model</source>
        <translation>アンサンブルをモデルとして保存</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/ensemble_view.py" line="148"/>
        <source>Keras models ({0})</source>
        <translation>Keras モデル（{0}）</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/ensemble_view.py" line="163"/>
        <source>Saved {0}: use it as a distillation teacher (teacher = {0}).</source>
        <translation>{0} を保存しました：蒸留の教師として使えます（teacher = {0}）。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/ensemble_view.py" line="164"/>
        <source>ensemble saved: {0}</source>
        <translation>アンサンブルを保存しました：{0}</translation>
    </message>
</context>
<context>
    <name>EntryInsight</name>
    <message>
        <location filename="../../ui/widgets/entry_insight.py" line="214"/>
        <source>&lt;i&gt;Choose a model to see what characterises it.&lt;/i&gt;</source>
        <extracomment>&quot;figures&quot; or &quot;params&quot; once that part has been redrawn (tests wait on it).</extracomment>
        <translation>&lt;i&gt;モデルを選ぶと、その特徴を表す数値が表示されます。&lt;/i&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/entry_insight.py" line="248"/>
        <source>&lt;i&gt;computing…&lt;/i&gt;</source>
        <translation>&lt;i&gt;計算中…&lt;/i&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/entry_insight.py" line="254"/>
        <source>&lt;i&gt;Load a data set to count the parameters for its input shape.&lt;/i&gt;</source>
        <translation>&lt;i&gt;データセットを読み込むと、その入力形状でのパラメータ数を数えます。&lt;/i&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/entry_insight.py" line="256"/>
        <source>&lt;i&gt;Counting parameters for {0} inputs…&lt;/i&gt;</source>
        <translation>&lt;i&gt;入力 {0} でのパラメータ数を数えています…&lt;/i&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/entry_insight.py" line="281"/>
        <source>&lt;b&gt;{0} parameters&lt;/b&gt;</source>
        <translation>&lt;b&gt;パラメータ数 {0}&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/entry_insight.py" line="283"/>
        <source>{0} ({1} trainable, {2} not)</source>
        <translation>{0} (学習対象 {1}、対象外 {2})</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/entry_insight.py" line="286"/>
        <source>{0} layers, built for {1} inputs, {2} classes.</source>
        <translation>{0} 層、入力 {1}・{2} クラスで構築。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/entry_insight.py" line="289"/>
        <source>{0} layers, built for {1} inputs.</source>
        <translation>{0} 層、入力 {1} で構築。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/entry_insight.py" line="295"/>
        <source>Cannot build it for this data: {0}</source>
        <translation>このデータではモデルを構築できません: {0}</translation>
    </message>
</context>
<context>
    <name>EpisodeTable</name>
    <message>
        <location filename="../../ui/widgets/play/episode_table.py" line="16"/>
        <source>episode</source>
        <translation>エピソード</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/play/episode_table.py" line="16"/>
        <source>return</source>
        <translation>収益</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/play/episode_table.py" line="16"/>
        <source>length</source>
        <translation>長さ</translation>
    </message>
</context>
<context>
    <name>EvaluatePanel</name>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="39"/>
        <source>{0} is not a classifier (one input, one vector of class scores)</source>
        <translation>{0} は分類器ではありません（入力 1 つ、クラススコアのベクトル 1 つ）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="42"/>
        <source>the loaded data is not classification data; load labelled images or a table</source>
        <translation>読み込んだデータは分類用のデータではありません。ラベル付きの画像か表を読み込んでください</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="46"/>
        <source>the model takes inputs of shape {0} but the loaded data gives {1}</source>
        <translation>モデルの入力の形は {0} ですが、読み込んだデータは {1} です</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="78"/>
        <source>the run&apos;s validation split</source>
        <translation>実行の検証用データ</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="79"/>
        <source>the loaded data&apos;s validation split</source>
        <translation>読み込んだデータの検証用データ</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="81"/>
        <source>Evaluate</source>
        <translation>評価</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="94"/>
        <source>Evaluate on</source>
        <translation>評価対象</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="100"/>
        <source>Colour by row (share of each true class)</source>
        <translation>行ごとに色付け（各正解クラスに占める割合）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="104"/>
        <source>Confusion matrix — rows: true class, columns: predicted; click a cell</source>
        <translation>混同行列 — 行：正解クラス、列：予測クラス。セルをクリック</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="106"/>
        <source>Per class</source>
        <translation>クラスごと</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="109"/>
        <location filename="../../ui/panels/evaluate_panel.py" line="249"/>
        <source>Click a cell of the matrix to see its samples.</source>
        <translation>行列のセルをクリックすると、そのサンプルを表示します。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="120"/>
        <source>Cell samples</source>
        <translation>セルのサンプル</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="121"/>
        <source>All predictions (least confident first)</source>
        <translation>すべての予測（確信度の低い順）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="146"/>
        <source>Chosen sample</source>
        <translation>選んだサンプル</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="147"/>
        <source>Marks</source>
        <translation>印</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="175"/>
        <source>TensorFlow is loading…</source>
        <translation>TensorFlow を読み込み中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="177"/>
        <source>No classifier yet: train one (Train tab) or open a .keras file, then press Evaluate.</source>
        <translation>分類器がまだありません。学習する（学習タブ）か .keras ファイルを開いてから、「評価」を押してください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="179"/>
        <source>Load data (Data tab) to evaluate the opened model on its validation split.</source>
        <translation>開いたモデルを検証用データで評価するには、データを読み込んでください（データタブ）。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="183"/>
        <source>Ready to evaluate ({0}).</source>
        <translation>評価の準備ができました（{0}）。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="210"/>
        <source>Evaluating {0} on its validation split…</source>
        <translation>{0} を検証用データで評価中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="214"/>
        <source>Evaluating {0} on {1}…</source>
        <translation>{0} を {1} で評価中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="240"/>
        <source>&lt;b&gt;accuracy {0:.1%}&lt;/b&gt; on {1:,} validation samples of {2}</source>
        <translation>{2} の検証サンプル {1:,} 個で&lt;b&gt;精度 {0:.1%}&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="250"/>
        <source>Evaluated: accuracy {0:.1%}</source>
        <translation>評価しました：精度 {0:.1%}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="274"/>
        <source>True &lt;b&gt;{0}&lt;/b&gt;, predicted &lt;b&gt;{1}&lt;/b&gt;: {2} sample(s), most confident first — the first {3} shown. Double-click one to explain it.</source>
        <translation>正解 &lt;b&gt;{0}&lt;/b&gt;、予測 &lt;b&gt;{1}&lt;/b&gt;：{2} サンプル、確信度の高い順 — 最初の {3} 個を表示。ダブルクリックで説明します。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="277"/>
        <source>True &lt;b&gt;{0}&lt;/b&gt;, predicted &lt;b&gt;{1}&lt;/b&gt;: {2} sample(s), most confident first. Double-click one to explain it.</source>
        <translation>正解 &lt;b&gt;{0}&lt;/b&gt;、予測 &lt;b&gt;{1}&lt;/b&gt;：{2} サンプル、確信度の高い順。ダブルクリックで説明します。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="302"/>
        <source>&lt;b&gt;{0}&lt;/b&gt;&lt;br&gt;given label: {1}&lt;br&gt;predicted: {2} ({3:.1%})</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt;&lt;br&gt;付与ラベル：{1}&lt;br&gt;予測：{2}（{3:.1%}）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="315"/>
        <source>Explain works on images; explain tabular predictions in Compare explanations (SHAP, LIME).</source>
        <translation>「説明」は画像用です。表データの予測は「説明の比較」（SHAP、LIME）で説明してください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="323"/>
        <source>{0} · given: {1}</source>
        <translation>{0} · 付与：{1}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="342"/>
        <source>Marked {0} {1}</source>
        <translation>{0} に印を付けました：{1}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="354"/>
        <source>Save the marks</source>
        <translation>印を保存</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="355"/>
        <source>CSV files ({0})</source>
        <translation>CSV ファイル（{0}）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="366"/>
        <source>Could not save the marks: {0}</source>
        <translation>印を保存できませんでした：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="370"/>
        <source>Saved {0} mark(s) to {1}</source>
        <translation>{0} 件の印を {1} に保存しました</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="379"/>
        <source>Load the data to train on first (Data tab), then train again without the marks.</source>
        <translation>先に学習に使うデータを読み込んでから（データタブ）、印の付いたサンプルを除いて再学習してください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="394"/>
        <source>Reloaded {0}, {1}: the next run trains without them</source>
        <translation>{0} を読み込み直しました（{1}）：次の実行はそれらを除いて学習します</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="395"/>
        <source>nothing excluded</source>
        <translation>除外なし</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="400"/>
        <source>Reloading {0} without the marks…</source>
        <translation>印の付いたサンプルを除いて {0} を読み込み直し中…</translation>
    </message>
</context>
<context>
    <name>EvaluationPage</name>
    <message>
        <location filename="../../ui/widgets/detect/evaluation_page.py" line="34"/>
        <source>Evaluate on the annotated set</source>
        <translation>正解付きセットで評価</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/evaluation_page.py" line="35"/>
        <source>Run the model over every image of the annotated set and score it against the ground truth</source>
        <translation>正解付きセットの全画像でモデルを実行し、正解と比べて採点します</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/evaluation_page.py" line="38"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/evaluation_page.py" line="44"/>
        <source>Scores appear here: per-class precision-recall curves, VOC mAP@0.5 and the COCO AP family (mean IoU for segmenters).</source>
        <translation>ここにスコアが表示されます: クラスごとの適合率-再現率曲線、VOC mAP@0.5、COCO の AP 各種 (セグメンテーションでは平均 IoU)。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/evaluation_page.py" line="50"/>
        <location filename="../../ui/widgets/detect/evaluation_page.py" line="190"/>
        <source>Metric</source>
        <translation>指標</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/evaluation_page.py" line="50"/>
        <location filename="../../ui/widgets/detect/evaluation_page.py" line="190"/>
        <source>Value</source>
        <translation>値</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/evaluation_page.py" line="58"/>
        <source>The curves appear after an evaluation.</source>
        <translation>評価すると曲線が表示されます。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/evaluation_page.py" line="88"/>
        <source>IoU per class (validation pixels)</source>
        <translation>クラスごとの IoU (検証画素)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/evaluation_page.py" line="95"/>
        <source>Evaluate on {0}</source>
        <translation>{0} で評価</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/evaluation_page.py" line="95"/>
        <source>the annotated set</source>
        <translation>正解付きセット</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/evaluation_page.py" line="105"/>
        <source>Press Evaluate to score this model on the annotated set.</source>
        <translation>「評価」を押すと、正解付きセットでこのモデルを採点します。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/evaluation_page.py" line="120"/>
        <source>Evaluating {0} on {1}…</source>
        <translation>{1} で {0} を評価中…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/evaluation_page.py" line="134"/>
        <source>Cancelling after the current batch…</source>
        <translation>現在のバッチが終わったらキャンセルします…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/evaluation_page.py" line="152"/>
        <source>Evaluation cancelled; the scores below are from the previous one</source>
        <translation>評価をキャンセルしました。下のスコアは前回の評価のものです</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/evaluation_page.py" line="153"/>
        <source>Evaluation cancelled.</source>
        <translation>評価をキャンセルしました。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/evaluation_page.py" line="156"/>
        <source>The model changed during the evaluation; run it again.</source>
        <translation>評価中にモデルが変わりました。もう一度実行してください。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/evaluation_page.py" line="159"/>
        <source>{0:.1f} ms per image ({1:.1f} FPS)</source>
        <translation>1 画像あたり {0:.1f} ms ({1:.1f} FPS)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/evaluation_page.py" line="164"/>
        <source>{0} on {1}: {2} · {3}</source>
        <translation>{0} ({1}): {2} · {3}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/evaluation_page.py" line="166"/>
        <source>Evaluation: {0}</source>
        <translation>評価: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/evaluation_page.py" line="184"/>
        <source>Nothing to measure: no true object of this kind or size</source>
        <translation>測るものがありません: この種類・大きさの正解の物体がありません</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/evaluation_page.py" line="209"/>
        <source>background</source>
        <translation>背景</translation>
    </message>
</context>
<context>
    <name>ExplanationCell</name>
    <message>
        <location filename="../../ui/widgets/explanation_grid.py" line="34"/>
        <source>waiting…</source>
        <extracomment>Frame colours of a cell: normal and selected.</extracomment>
        <translation>待機中…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/explanation_grid.py" line="39"/>
        <source>time taken · class explained · deletion AUC (lower is better) · insertion AUC (higher is better)</source>
        <translation>所要時間 · 説明したクラス · 削除 AUC (低いほど良い) · 挿入 AUC (高いほど良い)</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../ui/widgets/annotation_export.py" line="33"/>
        <source>COCO JSON (annotations.json + images/)</source>
        <extracomment>format key -&gt; its label (translated when shown, context &quot;ExportDialog&quot;)</extracomment>
        <translation>COCO JSON (annotations.json + images/)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/annotation_export.py" line="34"/>
        <source>Pascal VOC XML (Annotations/ + JPEGImages/)</source>
        <translation>Pascal VOC XML (Annotations/ + JPEGImages/)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/annotation_export.py" line="35"/>
        <source>YOLO-txt (labels/ + images/ + classes.txt)</source>
        <translation>YOLO-txt (labels/ + images/ + classes.txt)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/annotation_export.py" line="53"/>
        <source>Export annotations</source>
        <translation>アノテーションの書き出し</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/annotation_export.py" line="54"/>
        <source>The annotated set: {0}</source>
        <translation>正解付きセット: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/annotation_export.py" line="55"/>
        <source>The annotated set (none loaded)</source>
        <translation>正解付きセット (未読み込み)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/annotation_export.py" line="57"/>
        <source>The model&apos;s boxes on {0} (to correct by hand)</source>
        <translation>{0} に対するモデルのボックス (手で修正する用)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/annotation_export.py" line="67"/>
        <source>Predicted boxes scoring below this are not written</source>
        <translation>スコアがこれより低い予測ボックスは書き出しません</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/annotation_export.py" line="69"/>
        <source>a new folder</source>
        <translation>新しいフォルダー</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/annotation_export.py" line="70"/>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/annotation_export.py" line="75"/>
        <source>Replace an earlier export of this format in that folder</source>
        <translation>そのフォルダーにあるこの形式の以前の書き出しを置き換える</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/annotation_export.py" line="81"/>
        <source>Format</source>
        <translation>形式</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/annotation_export.py" line="82"/>
        <source>Score ≥</source>
        <translation>スコア ≥</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/annotation_export.py" line="83"/>
        <source>Folder</source>
        <translation>フォルダー</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/annotation_export.py" line="89"/>
        <source>The images are copied beside the annotations, so the folder opens again here, in LabelImg, CVAT or Label Studio.</source>
        <translation>画像はアノテーションの隣にコピーされるので、このフォルダーはここでも LabelImg、CVAT、Label Studio でも開けます。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/annotation_export.py" line="97"/>
        <source>Folder to hold the export</source>
        <translation>書き出し先のフォルダー</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/annotation_export.py" line="123"/>
        <source>Exported {0} image(s), {1} predicted box(es) as {2} to {3}</source>
        <translation>{0} 枚の画像と {1} 個の予測ボックスを {2} 形式で {3} に書き出しました</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/annotation_export.py" line="125"/>
        <source>Exported {0} image(s), {1} box(es) as {2} to {3}</source>
        <translation>{0} 枚の画像と {1} 個のボックスを {2} 形式で {3} に書き出しました</translation>
    </message>
</context>
<context>
    <name>ExportPanel</name>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="32"/>
        <source>Keras model file (.keras)</source>
        <extracomment>Samples fed to the model and to its reloaded export for the comparison. Titles are marked for translation here and translated where they are shown.</extracomment>
        <translation>Keras モデルファイル (.keras)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="33"/>
        <source>TensorFlow SavedModel (folder)</source>
        <translation>TensorFlow SavedModel（フォルダー）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="34"/>
        <source>TensorFlow Lite (.tflite)</source>
        <translation>TensorFlow Lite (.tflite)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="35"/>
        <source>ONNX (.onnx)</source>
        <translation>ONNX (.onnx)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="36"/>
        <source>none (float32)</source>
        <translation>なし (float32)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="37"/>
        <source>float16 weights (half the size)</source>
        <translation>float16 の重み（サイズ半分）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="38"/>
        <source>dynamic range (int8 weights)</source>
        <translation>ダイナミックレンジ（int8 の重み）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="39"/>
        <source>full int8 (calibrated on the validation data)</source>
        <translation>完全 int8（検証用データで較正）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="105"/>
        <location filename="../../ui/panels/export_panel.py" line="206"/>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="114"/>
        <source>TensorFlow Lite post-training quantisation: smaller and faster, at some cost in accuracy (shown after the export)</source>
        <translation>TensorFlow Lite の学習後量子化：小さく速くなる代わりに精度が多少落ちます（書き出し後に表示）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="118"/>
        <source>Choose…</source>
        <translation>選択…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="123"/>
        <source>Export and verify</source>
        <translation>書き出して検証</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="129"/>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="130"/>
        <source>Format</source>
        <translation>形式</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="131"/>
        <source>Quantize</source>
        <translation>量子化</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="132"/>
        <source>Save to</source>
        <translation>保存先</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="134"/>
        <source>Export</source>
        <translation>書き出し</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="140"/>
        <source>Verification: the export reloaded in its own runtime</source>
        <translation>検証：書き出したものを専用のランタイムで読み込み直した結果</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="143"/>
        <source>Each export of this run, and each pruned run made from it (keras-workbench prune), is checked on the same validation samples and listed here.</source>
        <translation>この実行の書き出しと、そこから作った枝刈り済みの実行（keras-workbench prune）は、同じ検証サンプルで確認されてここに並びます。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="147"/>
        <source>Before / after: every variant of this run</source>
        <translation>前後比較：この実行のすべての派生版</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="151"/>
        <source>After writing, the export is loaded back the way its users will load it (Keras, the TensorFlow Lite interpreter, onnxruntime) and compared with the model in memory on up to {0} validation samples: largest difference, same predicted class, accuracy, size and latency. The file replaces an earlier export only once it has passed this check.</source>
        <translation>書き出し後、利用者と同じ方法（Keras、TensorFlow Lite インタープリター、onnxruntime）で読み込み直し、最大 {0} 個の検証サンプルでメモリ上のモデルと比較します：最大差、予測クラスの一致、精度、サイズ、レイテンシ。以前の書き出しを置き換えるのは、この確認に合格したときだけです。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="207"/>
        <source>No model yet: train one in the Train tab or open a .keras file (File ▸ Open model…).</source>
        <translation>モデルがまだありません。学習タブで学習するか、.keras ファイルを開いてください（ファイル ▸ モデルを開く…）。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="230"/>
        <source>Folder that will hold the SavedModel</source>
        <translation>SavedModel を入れるフォルダー</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="236"/>
        <source>Export the model</source>
        <translation>モデルを書き出し</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="246"/>
        <source>There is no model to export yet: train one or open a .keras file.</source>
        <translation>書き出すモデルがまだありません。学習するか .keras ファイルを開いてください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="250"/>
        <source>Choose where to save the export first.</source>
        <translation>先に書き出しの保存先を選んでください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="257"/>
        <source>int8 quantization calibrates on the training data: load the model&apos;s data in the Data tab first, or choose float16 or dynamic.</source>
        <translation>int8 量子化は学習データで較正します。先にデータタブでモデルのデータを読み込むか、float16 か dynamic を選んでください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="262"/>
        <location filename="../../ui/panels/export_panel.py" line="266"/>
        <source>Exporting to {0}…</source>
        <translation>{0} に書き出し中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="279"/>
        <source>Replace the export?</source>
        <translation>書き出しを置き換えますか？</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="280"/>
        <source>{0} already exists.
Replace it with this export?</source>
        <translation>{0} はすでにあります。
この書き出しで置き換えますか？</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="293"/>
        <source>Reloaded model predicts the same: max |diff| = {0:.3g}</source>
        <translation>読み込み直したモデルは同じ予測をします：max |diff| = {0:.3g}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="295"/>
        <source>Reloaded model is close (quantised): max |diff| = {0:.3g}</source>
        <translation>読み込み直したモデルは近い値です（量子化）：max |diff| = {0:.3g}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="297"/>
        <source>Reloaded model DIFFERS: max |diff| = {0:.3g}</source>
        <translation>読み込み直したモデルは異なります：max |diff| = {0:.3g}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="299"/>
        <source>Saved {0}</source>
        <translation>{0} を保存しました</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="303"/>
        <source>Exported {0}: reloaded model max |diff| = {1:.3g}</source>
        <translation>{0} を書き出しました：読み込み直したモデルの max |diff| = {1:.3g}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="307"/>
        <source>&lt;span style=&apos;color:#b03000&apos;&gt;Export failed: {0}&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:#b03000&apos;&gt;書き出しに失敗しました：{0}&lt;/span&gt;</translation>
    </message>
</context>
<context>
    <name>FaithfulnessCurves</name>
    <message>
        <location filename="../../ui/widgets/compare/faithfulness_curves.py" line="27"/>
        <location filename="../../ui/widgets/compare/faithfulness_curves.py" line="49"/>
        <source>Deletion / insertion curves</source>
        <translation>削除 / 挿入曲線</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/faithfulness_curves.py" line="32"/>
        <source>fraction of pixels deleted / inserted</source>
        <translation>削除 / 挿入した画素の割合</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/faithfulness_curves.py" line="33"/>
        <source>class probability</source>
        <translation>クラス確率</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/faithfulness_curves.py" line="36"/>
        <source>deletion</source>
        <translation>削除</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/faithfulness_curves.py" line="38"/>
        <source>insertion</source>
        <translation>挿入</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/faithfulness_curves.py" line="59"/>
        <source>{0}: scores pending…</source>
        <translation>{0}: スコア計算待ち…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/faithfulness_curves.py" line="64"/>
        <source>{0}: deletion {1:.3f} · insertion {2:.3f}</source>
        <translation>{0}: 削除 {1:.3f} · 挿入 {2:.3f}</translation>
    </message>
</context>
<context>
    <name>FolderBox</name>
    <message>
        <location filename="../../ui/widgets/compare/folder_box.py" line="28"/>
        <source>Whole folder</source>
        <extracomment>(done, total) from the folder run&apos;s worker thread (queued to the GUI thread). the run started or ended (the panel refreshes its buttons)</extracomment>
        <translation>フォルダー全体</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/folder_box.py" line="37"/>
        <source>Run over a folder…</source>
        <translation>フォルダーに対して実行…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/folder_box.py" line="38"/>
        <source>Explain every image of a folder; overlays go to a folder next to it named &lt;folder&gt;-&lt;method&gt;</source>
        <translation>フォルダー内のすべての画像を説明します。オーバーレイは隣の &lt;フォルダー&gt;-&lt;手法&gt; という名前のフォルダーに保存されます</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/folder_box.py" line="41"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/folder_box.py" line="46"/>
        <source>%v / %m images</source>
        <translation>%v / %m 枚</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/folder_box.py" line="55"/>
        <source>Method</source>
        <translation>手法</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/folder_box.py" line="66"/>
        <source>Explain every image of a folder</source>
        <translation>フォルダー内のすべての画像を説明</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/folder_box.py" line="89"/>
        <source>Explaining the images of {0}…</source>
        <translation>{0} の画像を説明中…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/folder_box.py" line="99"/>
        <source>Cancelling after the current image…</source>
        <translation>現在の画像が終わったらキャンセルします…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/folder_box.py" line="118"/>
        <source>Cancelled: {0} written, {1} skipped of {2} images in {3:.1f} s → {4}</source>
        <translation>キャンセル: {2} 枚中 {0} 枚を書き出し、{1} 枚をスキップ ({3:.1f} 秒) → {4}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/folder_box.py" line="120"/>
        <source>Done: {0} written, {1} skipped of {2} images in {3:.1f} s → {4}</source>
        <translation>完了: {2} 枚中 {0} 枚を書き出し、{1} 枚をスキップ ({3:.1f} 秒) → {4}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/folder_box.py" line="124"/>
        <source>Skipped: {0}</source>
        <translation>スキップ: {0}</translation>
    </message>
</context>
<context>
    <name>GeneratedText</name>
    <message>
        <location filename="../../ui/widgets/text/results.py" line="29"/>
        <source>The continuation appears here.</source>
        <extracomment>A colour per IOB entity type (B- and I- share it).</extracomment>
        <translation>続きの文章がここに表示されます。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/text/results.py" line="91"/>
        <source>(none)</source>
        <translation>（なし）</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/text/results.py" line="92"/>
        <source>answer: {0}</source>
        <translation>答え：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/text/results.py" line="97"/>
        <source>[MASK] at {0}: {1}</source>
        <translation>位置 {0} の [MASK]：{1}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/text/results.py" line="100"/>
        <source>Write [MASK] in the text to have it filled in.</source>
        <translation>文中に [MASK] と書くと、そこを埋めます。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/text/results.py" line="103"/>
        <source>P(second part follows the first) = {0:.3f}</source>
        <translation>P(後半が前半に続く) = {0:.3f}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/text/results.py" line="116"/>
        <source>note: {0}</source>
        <translation>注：{0}</translation>
    </message>
</context>
<context>
    <name>GraphView</name>
    <message>
        <location filename="../../ui/widgets/views/graph.py" line="64"/>
        <source>laying out {0} nodes…</source>
        <translation>{0} 個のノードを配置しています…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/graph.py" line="96"/>
        <source>node {0}</source>
        <translation>ノード {0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/graph.py" line="102"/>
        <source>{0} nodes · {1} edges</source>
        <translation>ノード {0} · エッジ {1}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/graph.py" line="104"/>
        <source>{0} · {1} marked (red ring)</source>
        <translation>{0} · 印付き {1} (赤い輪)</translation>
    </message>
</context>
<context>
    <name>HParamForm</name>
    <message>
        <location filename="../../ui/widgets/hparam_form.py" line="144"/>
        <source>range {0} … {1} (log scale)</source>
        <extracomment>Arrow steps per decade on a log-scale spin box.</extracomment>
        <translation>範囲 {0} … {1} (対数スケール)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/hparam_form.py" line="146"/>
        <source>range {0} … {1}</source>
        <translation>範囲 {0} … {1}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/hparam_form.py" line="147"/>
        <source>default {0}</source>
        <translation>既定値 {0}</translation>
    </message>
</context>
<context>
    <name>ImageGridView</name>
    <message>
        <location filename="../../ui/widgets/views/imagegrid.py" line="65"/>
        <source>No images</source>
        <extracomment>Longer side, in pixels, of the copy kept for drawing: a 512x512 generated image shown in a 120-pixel cell is shrunk once when it arrives, not on every repaint.</extracomment>
        <translation>画像がありません</translation>
    </message>
</context>
<context>
    <name>ImageNavigator</name>
    <message>
        <location filename="../../ui/widgets/detect/navigator.py" line="18"/>
        <source>◀ Previous</source>
        <translation>◀ 前へ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/navigator.py" line="21"/>
        <source>Next ▶</source>
        <translation>次へ ▶</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/navigator.py" line="26"/>
        <source>Which image (PgUp / PgDown step)</source>
        <translation>何枚目の画像か (PgUp / PgDown で移動)</translation>
    </message>
</context>
<context>
    <name>ImagePage</name>
    <message>
        <location filename="../../ui/widgets/detect/image_page.py" line="25"/>
        <source>Ground truth</source>
        <translation>正解</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_page.py" line="26"/>
        <source>Open an image, a folder, or press “Annotated set”. Image files dropped here work too.</source>
        <translation>画像かフォルダーを開くか、「正解付きセット」を押してください。画像ファイルをここにドロップすることもできます。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_page.py" line="35"/>
        <source>Class</source>
        <translation>クラス</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_page.py" line="35"/>
        <source>Score</source>
        <translation>スコア</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_page.py" line="36"/>
        <source>Box (x1, y1, x2, y2) in image pixels</source>
        <translation>ボックス (x1, y1, x2, y2、画像の画素単位)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_page.py" line="65"/>
        <source>{0} · {1} detection(s)</source>
        <translation>{0} · 検出 {1} 件</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_page.py" line="71"/>
        <source>&lt;br&gt;Nothing scores ≥ {0:.2f}; the best candidate scores {1:.2f}: lower the score slider (or train the model longer).</source>
        <translation>&lt;br&gt;スコア {0:.2f} 以上のものがありません。最良の候補のスコアは {1:.2f} です: スコアのスライダーを下げてください (またはモデルをもっと長く学習してください)。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_page.py" line="73"/>
        <source>&lt;b&gt;{0}&lt;/b&gt; of {1} candidates shown (score ≥ {2:.2f}, NMS IoU {3:.2f}) · inference &lt;b&gt;{4:.1f} ms&lt;/b&gt; ({5:.1f} FPS) at {6}×{7}</source>
        <translation>候補 {1} 件中 &lt;b&gt;{0}&lt;/b&gt; 件を表示 (スコア ≥ {2:.2f}、NMS IoU {3:.2f}) · 推論 &lt;b&gt;{4:.1f} ms&lt;/b&gt; ({5:.1f} FPS、{6}×{7})</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_page.py" line="94"/>
        <source>{0} · class map</source>
        <translation>{0} · クラスマップ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_page.py" line="98"/>
        <source>background</source>
        <translation>背景</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_page.py" line="99"/>
        <source>inference &lt;b&gt;{0:.1f} ms&lt;/b&gt; ({1:.1f} FPS)</source>
        <translation>推論 &lt;b&gt;{0:.1f} ms&lt;/b&gt; ({1:.1f} FPS)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_page.py" line="131"/>
        <source>ground truth · {0} object(s)</source>
        <translation>正解 · 物体 {0} 個</translation>
    </message>
</context>
<context>
    <name>ImageResults</name>
    <message>
        <location filename="../../ui/widgets/compare/image_results.py" line="20"/>
        <source>Which map to trust? Pixels are deleted (or restored) in each map&apos;s order, most important first, and the class probability is recorded. A faithful map makes it fall fast when deleting — &lt;b&gt;lower deletion AUC is better&lt;/b&gt; — and rise fast when inserting — &lt;b&gt;higher insertion AUC is better&lt;/b&gt;. Best values are in bold.</source>
        <extracomment>Translated when shown (context &quot;ImageResults&quot;).</extracomment>
        <translation>どのマップを信頼するか? 各マップの重要度の高い順に画素を削除 (または復元) し、クラス確率を記録します。忠実なマップでは、削除すると確率が速く下がり — &lt;b&gt;削除 AUC は低いほど良い&lt;/b&gt; —、挿入すると速く上がります — &lt;b&gt;挿入 AUC は高いほど良い&lt;/b&gt;。最良の値は太字です。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/image_results.py" line="31"/>
        <source>Check the methods to compare and press Explain: each explanation appears here as soon as it is ready.</source>
        <translation>比べる手法を選んで「説明」を押してください。各説明はでき次第ここに表示されます。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/image_results.py" line="39"/>
        <source>The image to explain appears here.</source>
        <translation>説明する画像がここに表示されます。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/image_results.py" line="45"/>
        <source>Method</source>
        <translation>手法</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/image_results.py" line="45"/>
        <source>Time</source>
        <translation>時間</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/image_results.py" line="45"/>
        <source>Deletion ↓</source>
        <translation>削除 ↓</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/image_results.py" line="46"/>
        <source>Insertion ↑</source>
        <translation>挿入 ↑</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/image_results.py" line="56"/>
        <source>Area under the deletion and insertion curves; click a row to plot them</source>
        <translation>削除曲線と挿入曲線の下の面積。行をクリックすると曲線を描きます</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/image_results.py" line="88"/>
        <source>failed: {0}</source>
        <translation>失敗: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/image_results.py" line="90"/>
        <source>cancelled</source>
        <translation>キャンセル済み</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/image_results.py" line="92"/>
        <source>computing…</source>
        <translation>計算中…</translation>
    </message>
</context>
<context>
    <name>ImageSources</name>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="25"/>
        <source>Annotated set</source>
        <translation>正解付きセット</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="26"/>
        <source>Step through the validation images of the shapes data (or of the data set loaded in the Data tab, or of the VOC/COCO annotations you opened), with their ground truth</source>
        <translation>shapes データ (またはデータタブで読み込んだデータセット、開いた VOC/COCO アノテーション) の検証画像を正解付きで順に見ます</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="30"/>
        <source>Image…</source>
        <translation>画像…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="31"/>
        <source>Open one image file (or drop image files on this tab)</source>
        <translation>画像ファイルを 1 つ開きます (またはこのタブに画像ファイルをドロップ)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="33"/>
        <source>Folder…</source>
        <translation>フォルダー…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="34"/>
        <source>Open a folder of images and step through them (or drop it here)</source>
        <translation>画像のフォルダーを開いて順に見ます (またはここにドロップ)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="36"/>
        <source>Annotations…</source>
        <translation>アノテーション…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="37"/>
        <source>Open annotations: a COCO .json file, a VOC .xml file (its folder), or the classes.txt / data.yaml of a YOLO-txt folder (images/ + labels/); drop a KITTI folder (image_2/ + label_2/). Their images become the annotated set</source>
        <translation>アノテーションを開きます: COCO の .json ファイル、VOC の .xml ファイル (そのフォルダー)、YOLO-txt フォルダー (images/ + labels/) の classes.txt / data.yaml。KITTI のフォルダー (image_2/ + label_2/) はドロップしてください。その画像が正解付きセットになります</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="46"/>
        <source>Export annotations…</source>
        <translation>アノテーションを書き出し…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="47"/>
        <source>Write the annotated set, or the model&apos;s boxes on the images shown, as COCO JSON, VOC XML or YOLO-txt</source>
        <translation>正解付きセット、または表示中の画像に対するモデルのボックスを COCO JSON、VOC XML、YOLO-txt で書き出します</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="53"/>
        <source>Open images to detect objects in</source>
        <translation>物体を検出する画像を開く</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="54"/>
        <source>Images ({0})</source>
        <translation>画像 ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="54"/>
        <location filename="../../ui/widgets/detect/image_sources.py" line="82"/>
        <source>All files ({0})</source>
        <translation>すべてのファイル ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="60"/>
        <source>{0} images</source>
        <translation>画像 {0} 枚</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="64"/>
        <source>Open a folder of images</source>
        <translation>画像のフォルダーを開く</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="76"/>
        <source>folder {0} ({1} images)</source>
        <translation>フォルダー {0} ({1} 枚)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="80"/>
        <source>Open COCO (.json), VOC (.xml) or YOLO-txt (classes.txt, data.yaml) annotations</source>
        <translation>COCO (.json)、VOC (.xml)、YOLO-txt (classes.txt、data.yaml) のアノテーションを開く</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="81"/>
        <source>Annotations ({0})</source>
        <translation>アノテーション ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="94"/>
        <source>{0} ({1} images)</source>
        <translation>{0} ({1} 枚)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="96"/>
        <source>Loaded {0} annotated images from {1}; {2} annotation problem(s)</source>
        <translation>{1} から正解付き画像を {0} 枚読み込みました。アノテーションの問題が {2} 件あります</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="98"/>
        <source>Loaded {0} annotated images from {1}</source>
        <translation>{1} から正解付き画像を {0} 枚読み込みました</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="101"/>
        <source>Reading annotations {0}…</source>
        <translation>アノテーション {0} を読み込み中…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="110"/>
        <source>{0} image file(s)</source>
        <translation>画像ファイル {0} 個</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="111"/>
        <source>the images</source>
        <translation>画像</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="119"/>
        <source>Exporting annotations to {0}…</source>
        <translation>アノテーションを {0} に書き出し中…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/image_sources.py" line="140"/>
        <source>Cannot use {0} here: drop images (.png, .jpg, .bmp), a folder of images, a VOC folder or a COCO .json file.</source>
        <translation>{0} はここでは使えません: 画像 (.png、.jpg、.bmp)、画像のフォルダー、VOC のフォルダー、COCO の .json ファイルをドロップしてください。</translation>
    </message>
</context>
<context>
    <name>ImageView</name>
    <message>
        <location filename="../../ui/widgets/image_view.py" line="48"/>
        <source>No image</source>
        <extracomment>Images whose longer side is at most this many pixels are scaled without smoothing.</extracomment>
        <translation>画像がありません</translation>
    </message>
</context>
<context>
    <name>InputBox</name>
    <message>
        <location filename="../../ui/widgets/compare/input_box.py" line="27"/>
        <source>Input</source>
        <translation>入力</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/input_box.py" line="29"/>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/input_box.py" line="32"/>
        <source>Which validation sample (or table row) to explain</source>
        <translation>説明する検証サンプル (または表の行)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/input_box.py" line="34"/>
        <source>The feature map the Grad-CAM family and Score-CAM look at (default: the last convolution)</source>
        <translation>Grad-CAM 系と Score-CAM が見る特徴マップ (既定: 最後の畳み込み層)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/input_box.py" line="37"/>
        <source>Whose evidence to show: the model&apos;s five most likely classes</source>
        <translation>どのクラスの根拠を表示するか: モデルが最も確からしいとする 5 クラス</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/input_box.py" line="39"/>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/input_box.py" line="41"/>
        <source>Layer</source>
        <translation>層</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/input_box.py" line="43"/>
        <source>Class</source>
        <translation>クラス</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/input_box.py" line="110"/>
        <source>validation #{0} · true: {1}</source>
        <translation>検証 #{0} · 正解: {1}</translation>
    </message>
</context>
<context>
    <name>InputChooser</name>
    <message>
        <location filename="../../ui/widgets/input_chooser.py" line="42"/>
        <source>Validation sample</source>
        <translation>検証サンプル</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/input_chooser.py" line="43"/>
        <source>Image file</source>
        <translation>画像ファイル</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/input_chooser.py" line="51"/>
        <source>Which validation sample to explain</source>
        <translation>説明する検証サンプル</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/input_chooser.py" line="53"/>
        <source>Open…</source>
        <translation>開く…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/input_chooser.py" line="54"/>
        <source>Or drop an image file on this tab</source>
        <translation>またはこのタブに画像ファイルをドロップ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/input_chooser.py" line="122"/>
        <source>Open an image to explain</source>
        <translation>説明する画像を開く</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/input_chooser.py" line="123"/>
        <source>Images ({0})</source>
        <translation>画像 ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/input_chooser.py" line="123"/>
        <source>All files ({0})</source>
        <translation>すべてのファイル ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/input_chooser.py" line="134"/>
        <source>Reading {0}…</source>
        <translation>{0} を読み込み中…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/input_chooser.py" line="139"/>
        <source>Opened {0}</source>
        <translation>{0} を開きました</translation>
    </message>
</context>
<context>
    <name>InsightSection</name>
    <message>
        <location filename="../../ui/widgets/entry_insight.py" line="80"/>
        <source>Stop</source>
        <extracomment>The lane shared with every other Keras call of the GUI (see ``ui.bridge._Lane``). (done, total, text) from the worker thread running the action (queued to the GUI thread). The action&apos;s result has been drawn (or its failure shown).</extracomment>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/entry_insight.py" line="141"/>
        <source>starting…</source>
        <translation>開始しています…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="50"/>
        <source>Loading TensorFlow…</source>
        <extracomment>Preferences and memory; a window made without them (tests) keeps them in memory only.</extracomment>
        <translation>TensorFlow を読み込み中…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="62"/>
        <source>Ready — device {0}</source>
        <translation>準備完了 — デバイス {0}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="75"/>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="77"/>
        <source>Open &amp;image…</source>
        <translation>画像を開く(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="78"/>
        <source>Open &amp;model (.keras)…</source>
        <translation>モデルを開く (.keras)(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="79"/>
        <source>Open &amp;folder dataset…</source>
        <translation>フォルダのデータセットを開く(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="80"/>
        <source>Open &amp;CSV…</source>
        <translation>CSV を開く(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="82"/>
        <source>&amp;Resume run…</source>
        <translation>実行を再開(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="83"/>
        <source>&amp;Export…</source>
        <translation>書き出し(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="85"/>
        <source>&amp;Preferences…</source>
        <translation>設定(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="87"/>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="100"/>
        <source>Open &amp;recent</source>
        <translation>最近使ったものを開く(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="103"/>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="104"/>
        <source>&amp;Keyboard shortcuts</source>
        <translation>キーボードショートカット(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="107"/>
        <source>&amp;About</source>
        <translation>Keras Workbench について(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="113"/>
        <source>&amp;Run</source>
        <translation>実行(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="114"/>
        <source>&amp;Start training</source>
        <translation>学習を開始(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="115"/>
        <source>S&amp;top after this batch</source>
        <translation>このバッチの後で停止(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="116"/>
        <source>&amp;Pause / continue</source>
        <translation>一時停止 / 再開(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="118"/>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="139"/>
        <source>Keyboard shortcuts</source>
        <translation>キーボードショートカット</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="141"/>
        <source>Ctrl+O opens an image in the Explain tab, or in Predict or Detect when that tab is shown. Images, folders, .keras models, .csv tables and run folders can also be dropped on the window.</source>
        <translation>Ctrl+O は画像を「説明」タブで開きます。「予測」または「検出」タブが表示されているときはそのタブで開きます。画像、フォルダ、.keras モデル、.csv の表、実行フォルダはウィンドウにドロップしても開けます。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="157"/>
        <source>A run is already in progress: Ctrl+. stops it.</source>
        <translation>すでに実行中です。Ctrl+. で停止できます。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="159"/>
        <source>Start is not available yet: TensorFlow is still loading.</source>
        <translation>まだ開始できません。TensorFlow を読み込み中です。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="167"/>
        <source>Training: stopping after this batch…</source>
        <translation>学習: このバッチの後で停止します…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="213"/>
        <source>{0} is not a run directory (no config.json): it was moved or deleted.</source>
        <translation>{0} は実行ディレクトリではありません (config.json がありません)。移動または削除されています。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="235"/>
        <source>Open a Keras model</source>
        <translation>Keras モデルを開く</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="236"/>
        <source>Keras models ({0})</source>
        <translation>Keras モデル ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="253"/>
        <source>Keras Workbench — train, watch, explain and export Keras 3 models.&lt;br&gt;{0} catalog entries.</source>
        <translation>Keras Workbench — Keras 3 のモデルを学習し、観察し、説明し、書き出します。&lt;br&gt;カタログ項目 {0} 件。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="298"/>
        <source>Cannot open {0}: drop an image (.png, .jpg, .bmp), a .keras model, a .csv table, a folder of class sub-folders or a run folder.</source>
        <translation>{0} は開けません。画像 (.png, .jpg, .bmp)、.keras モデル、.csv の表、クラスごとのサブフォルダを持つフォルダ、または実行フォルダをドロップしてください。</translation>
    </message>
</context>
<context>
    <name>MarksList</name>
    <message>
        <location filename="../../ui/widgets/marks_list.py" line="14"/>
        <source>mislabelled</source>
        <extracomment>How each mark reads in the list (the mark itself stays the key saved in the marks file).</extracomment>
        <translation>ラベル誤り</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/marks_list.py" line="15"/>
        <source>drop</source>
        <translation>除外</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/marks_list.py" line="28"/>
        <source>Delete removes the selected mark</source>
        <translation>Delete キーで選択した印を削除します</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/marks_list.py" line="30"/>
        <source>Remove mark</source>
        <translation>印を削除</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/marks_list.py" line="32"/>
        <source>Save marks…</source>
        <translation>印を保存…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/marks_list.py" line="34"/>
        <source>Train again without marked</source>
        <translation>印付きを除いて再学習</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/marks_list.py" line="35"/>
        <source>Saves the marks, reloads the data with exclude=&lt;marks file&gt; (mislabelled and dropped samples both leave) and opens the Train tab</source>
        <translation>印を保存し、exclude=&lt;marks file&gt; (保存した印のファイル) でデータを読み込み直して (ラベル誤りも除外もどちらも外れます)、学習タブを開きます</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/marks_list.py" line="81"/>
        <source>{0}: {1} — given {2}, predicted {3} ({4})</source>
        <translation>{0}: {1} — 付与ラベル {2}、予測 {3} ({4})</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/marks_list.py" line="85"/>
        <source>{0} mislabelled · {1} to drop</source>
        <translation>ラベル誤り {0} 件 · 除外 {1} 件</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/marks_list.py" line="87"/>
        <source>{0} · not saved yet</source>
        <translation>{0} · 未保存</translation>
    </message>
</context>
<context>
    <name>MethodChecks</name>
    <message>
        <location filename="../../ui/widgets/compare/method_checks.py" line="21"/>
        <source>Methods</source>
        <extracomment>Checked when a model is first shown: fast methods of each family (SHAP takes seconds).</extracomment>
        <translation>手法</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/method_checks.py" line="43"/>
        <source>CAM (not for this model)</source>
        <translation>CAM (使用不可)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/method_checks.py" line="43"/>
        <source>CAM</source>
        <translation>CAM</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/method_checks.py" line="45"/>
        <source>CAM is off: {0}</source>
        <translation>CAM は使えません: {0}</translation>
    </message>
</context>
<context>
    <name>ModelPanel</name>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="46"/>
        <source>{0}: a nested model of {1} layers (expand to see them)</source>
        <extracomment>Milliseconds of quiet after the last edit before the layer table is rebuilt.</extracomment>
        <translation>{0}: {1} 層の入れ子モデル (展開すると表示されます)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="74"/>
        <source>Catalog</source>
        <translation>カタログ</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="82"/>
        <location filename="../../ui/panels/model_panel.py" line="211"/>
        <source>{0} · {1} · data: {2}</source>
        <translation>{0} · {1} · データ: {2}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="104"/>
        <source>Hyperparameters</source>
        <translation>ハイパーパラメータ</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="109"/>
        <source>Layer</source>
        <translation>層</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="109"/>
        <source>Type</source>
        <translation>種類</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="109"/>
        <source>Output shape</source>
        <translation>出力の形状</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="109"/>
        <source>Params</source>
        <translation>パラメータ数</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="115"/>
        <source>The layer table appears once TensorFlow has loaded.</source>
        <translation>TensorFlow を読み込むと層の一覧が表示されます。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="116"/>
        <source>Layers (built for the loaded data)</source>
        <translation>層 (読み込んだデータ向けに構築)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="125"/>
        <source>Layers</source>
        <translation>層</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="126"/>
        <source>Insight</source>
        <translation>特徴</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="130"/>
        <source>Throughput</source>
        <translation>スループット</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="165"/>
        <source>Unknown model {0!r}: it is not in the catalog.</source>
        <translation>不明なモデル {0!r}: カタログにありません。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="186"/>
        <source>{0}&lt;br&gt;&lt;i&gt;Paper:&lt;/i&gt; {1}</source>
        <translation>{0}&lt;br&gt;&lt;i&gt;論文:&lt;/i&gt; {1}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="191"/>
        <source>Training (shared by every model)</source>
        <translation>学習 (全モデル共通)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="213"/>
        <source>{0} ({1}: load other data to train it)</source>
        <translation>{0} ({1}: 学習するには別のデータを読み込んでください)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="221"/>
        <source>{0}: choose another model or data set before training.</source>
        <translation>{0}: 学習の前に別のモデルかデータセットを選んでください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="235"/>
        <source>Load a data set (Data tab) to see the layers built for it.</source>
        <translation>データセットを読み込むと (データ タブ)、それに合わせて構築した層が表示されます。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="240"/>
        <source>No layers: this model does not take the loaded kind of data.</source>
        <translation>層はありません。このモデルは読み込んだ種類のデータを受け付けません。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="245"/>
        <source>Fix the field marked in red: {0}</source>
        <translation>赤で示された欄を直してください: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="250"/>
        <source>Building {0} for {1}…</source>
        <translation>{1} 向けに {0} を構築中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="261"/>
        <source>{0} layers ({1} more inside nested models) · {2:,} parameters</source>
        <translation>{0} 層 (入れ子モデルの中にさらに {1} 層) · パラメータ {2:,} 個</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="263"/>
        <source>{0} layers · {2:,} parameters</source>
        <translation>{0} 層 · パラメータ {2:,} 個</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="270"/>
        <source>Cannot build this model: {0}</source>
        <translation>このモデルは構築できません: {0}</translation>
    </message>
</context>
<context>
    <name>Panel</name>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="65"/>
        <source>Detect</source>
        <extracomment>Predictions kept per image in memory (each is a few thousand numbers). Lines of annotation problems shown in the panel (all of them in the tooltip).</extracomment>
        <translation>物体検出</translation>
    </message>
    <message>
        <location filename="../../ui/panels/detect_panel.py" line="67"/>
        <source>Object detection and segmentation on your own images, with PR curves and mAP</source>
        <translation>手持ちの画像で物体検出とセグメンテーション (PR 曲線と mAP 付き)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="56"/>
        <source>Evaluate</source>
        <translation>評価</translation>
    </message>
    <message>
        <location filename="../../ui/panels/evaluate_panel.py" line="58"/>
        <source>Confusion matrix, per-class scores, the samples behind each cell, and marking bad labels</source>
        <translation>混同行列、クラスごとのスコア、各セルのサンプル、誤ったラベルへの印付け</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="87"/>
        <source>Export</source>
        <translation>書き出し</translation>
    </message>
    <message>
        <location filename="../../ui/panels/export_panel.py" line="89"/>
        <source>Save the model for other programs (Keras, SavedModel, TFLite, ONNX), smaller if you like, and check the saved copy</source>
        <translation>他のプログラム向けにモデルを保存（Keras、SavedModel、TFLite、ONNX）。必要なら小さくし、保存したものを確認します</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="74"/>
        <source>Runs</source>
        <extracomment>The column that says what sets a run apart: from the one selected run, else from the defaults. The progress bar&apos;s plain percentage (Qt&apos;s placeholder: the same in every language). Distinguishable curve colours (Tableau 10), reused in order.</extracomment>
        <translation>実行履歴</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="76"/>
        <source>Earlier runs: compare their curves, reopen or resume them, and run comparisons</source>
        <translation>これまでの実行：曲線の比較、開き直しや再開、比較実行</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="57"/>
        <source>Board</source>
        <translation>ボードゲーム</translation>
    </message>
    <message>
        <location filename="../../ui/panels/board_panel.py" line="59"/>
        <source>Play tic-tac-toe or Connect Four against a trained AlphaGo / AlphaGo Zero agent</source>
        <translation>学習済みの AlphaGo / AlphaGo Zero エージェントと三目並べや Connect Four で対戦します</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="58"/>
        <source>Compare explanations</source>
        <extracomment>Points of each deletion / insertion curve (the RISE paper&apos;s protocol, coarser for speed).</extracomment>
        <translation>説明の比較</translation>
    </message>
    <message>
        <location filename="../../ui/panels/compare_panel.py" line="60"/>
        <source>Several explanation methods side by side, with deletion / insertion scores to judge them</source>
        <translation>複数の説明手法を並べて比較し、削除 / 挿入スコアで評価します</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="91"/>
        <source>Data</source>
        <extracomment>Characters of one ``describe()`` fact on the summary line (a gym space prints long).</extracomment>
        <translation>データ</translation>
    </message>
    <message>
        <location filename="../../ui/panels/data_panel.py" line="93"/>
        <source>Choose the data to train on and look at it</source>
        <translation>学習に使うデータを選び、中身を確認します</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="53"/>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location filename="../../ui/panels/model_panel.py" line="55"/>
        <source>Choose an architecture and its hyperparameters</source>
        <translation>アーキテクチャとハイパーパラメータを選びます</translation>
    </message>
    <message>
        <location filename="../../ui/panels/play_panel.py" line="105"/>
        <source>Play</source>
        <translation>プレイ</translation>
    </message>
    <message>
        <location filename="../../ui/panels/play_panel.py" line="107"/>
        <source>Watch a trained reinforcement-learning agent play, greedily</source>
        <translation>学習済みの強化学習エージェントが貪欲に行動する様子を見ます</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="77"/>
        <source>Predict</source>
        <translation>予測</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="79"/>
        <source>The classifier&apos;s top classes for your own images or a folder of them</source>
        <translation>手元の画像や画像フォルダーに対する分類器の上位クラス</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="87"/>
        <source>Text</source>
        <translation>テキスト</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="89"/>
        <source>Generate with GPT, look up word2vec neighbours and analogies, classify / tag / answer with BERT</source>
        <translation>GPT で生成、word2vec で近傍語や類推を検索、BERT で分類・タグ付け・質問応答</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="57"/>
        <source>Train</source>
        <translation>学習</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="59"/>
        <source>Train the chosen model on the loaded data and watch the curves</source>
        <translation>選んだモデルを読み込んだデータで学習し、学習曲線を観察します</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="63"/>
        <source>Explain</source>
        <extracomment>Pictures smaller than this are enlarged (nearest neighbour) before the heatmap is blended in, so the heatmap is drawn smoothly over crisp pixels instead of 8x8 blocks.</extracomment>
        <translation>説明</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="65"/>
        <source>Grad-CAM and other explanations of the model&apos;s prediction for one image</source>
        <translation>1 枚の画像に対するモデルの予測を Grad-CAM などで説明します</translation>
    </message>
</context>
<context>
    <name>PerClassTable</name>
    <message>
        <location filename="../../ui/widgets/per_class_table.py" line="12"/>
        <source>Class</source>
        <translation>クラス</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/per_class_table.py" line="12"/>
        <source>Precision</source>
        <translation>適合率</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/per_class_table.py" line="13"/>
        <source>Recall</source>
        <translation>再現率</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/per_class_table.py" line="13"/>
        <source>F1</source>
        <translation>F1</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/per_class_table.py" line="14"/>
        <source>Support</source>
        <translation>サポート</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/per_class_table.py" line="43"/>
        <source>Click a header to sort; the worst classes first with a second click</source>
        <translation>見出しをクリックで並べ替え。もう一度クリックすると成績の悪いクラスが先頭に来ます</translation>
    </message>
</context>
<context>
    <name>PlayPanel</name>
    <message>
        <location filename="../../ui/panels/play_panel.py" line="69"/>
        <source>V(s) and the greedy path: reaches state {0} in {1} steps</source>
        <extracomment>Frames are scaled down to at most this width on the worker (the view scales them again).</extracomment>
        <translation>V(s) と貪欲な経路：{1} ステップで状態 {0} に到達</translation>
    </message>
    <message>
        <location filename="../../ui/panels/play_panel.py" line="71"/>
        <source>V(s) and the greedy path: circles without ending</source>
        <translation>V(s) と貪欲な経路：終わらずに循環</translation>
    </message>
    <message>
        <location filename="../../ui/panels/play_panel.py" line="120"/>
        <source>no trained RL run yet</source>
        <translation>学習済みの強化学習の実行はまだありません</translation>
    </message>
    <message>
        <location filename="../../ui/panels/play_panel.py" line="120"/>
        <source>Open an RL run folder</source>
        <translation>強化学習の実行フォルダーを開く</translation>
    </message>
    <message>
        <location filename="../../ui/panels/play_panel.py" line="130"/>
        <source> steps/s</source>
        <translation> ステップ/秒</translation>
    </message>
    <message>
        <location filename="../../ui/panels/play_panel.py" line="132"/>
        <source>Watch the agent</source>
        <translation>エージェントを見る</translation>
    </message>
    <message>
        <location filename="../../ui/panels/play_panel.py" line="135"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../ui/panels/play_panel.py" line="140"/>
        <source>Episodes</source>
        <translation>エピソード数</translation>
    </message>
    <message>
        <location filename="../../ui/panels/play_panel.py" line="141"/>
        <source>Seed</source>
        <translation>シード</translation>
    </message>
    <message>
        <location filename="../../ui/panels/play_panel.py" line="142"/>
        <source>Pace</source>
        <translation>速さ</translation>
    </message>
    <message>
        <location filename="../../ui/panels/play_panel.py" line="147"/>
        <source>Greedy episodes</source>
        <translation>貪欲方策のエピソード</translation>
    </message>
    <message>
        <location filename="../../ui/panels/play_panel.py" line="150"/>
        <source>The environment&apos;s frames appear here while the agent plays</source>
        <translation>エージェントのプレイ中、環境の画面がここに表示されます</translation>
    </message>
    <message>
        <location filename="../../ui/panels/play_panel.py" line="151"/>
        <source>A grid world&apos;s state values and greedy path appear here</source>
        <translation>グリッドワールドの状態価値と貪欲な経路がここに表示されます</translation>
    </message>
    <message>
        <location filename="../../ui/panels/play_panel.py" line="187"/>
        <source>Runs of the reinforcement-learning entries under the runs folder; the agent acts greedily, episode i seeded from (seed, i) as in keras-workbench play. Board games are played in their own tab.</source>
        <translation>実行フォルダーにある強化学習の実行です。エージェントは貪欲に行動し、エピソード i のシードは keras-workbench play と同じく (seed, i) から決まります。ボードゲームは専用のタブで遊びます。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/play_panel.py" line="219"/>
        <source>Choose a run of a reinforcement-learning entry first (train one, e.g. q_learning on CliffWalking-v1 or reinforce on CartPole-v1).</source>
        <translation>先に強化学習の実行を選んでください（例：q_learning を CliffWalking-v1 で、reinforce を CartPole-v1 で学習）。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/play_panel.py" line="228"/>
        <source>loading the agent…</source>
        <translation>エージェントを読み込み中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/play_panel.py" line="237"/>
        <source>stopping…</source>
        <translation>停止中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/play_panel.py" line="268"/>
        <source>&lt;b&gt;While training:&lt;/b&gt; {0} (step {1})</source>
        <translation>&lt;b&gt;学習中：&lt;/b&gt;{0}（ステップ {1}）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/play_panel.py" line="278"/>
        <source>episode {0}/{1} · step {2} · return so far {3:g}</source>
        <translation>エピソード {0}/{1} · ステップ {2} · ここまでの収益 {3:g}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/play_panel.py" line="295"/>
        <source>mean return {0:g} over {1} episode(s) (stopped)</source>
        <translation>{1} エピソードの平均収益 {0:g}（停止）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/play_panel.py" line="297"/>
        <source>mean return {0:g} over {1} episode(s)</source>
        <translation>{1} エピソードの平均収益 {0:g}</translation>
    </message>
</context>
<context>
    <name>PrecisionRecallPlot</name>
    <message>
        <location filename="../../ui/widgets/pr_plot.py" line="21"/>
        <source>Precision-recall per class (IoU 0.5, VOC)</source>
        <translation>クラスごとの適合率-再現率 (IoU 0.5、VOC)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/pr_plot.py" line="23"/>
        <source>recall</source>
        <translation>再現率</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/pr_plot.py" line="24"/>
        <source>precision</source>
        <translation>適合率</translation>
    </message>
</context>
<context>
    <name>PredictPanel</name>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="26"/>
        <source>Image</source>
        <translation>画像</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="26"/>
        <source>Path</source>
        <translation>パス</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="27"/>
        <source>Probability</source>
        <translation>確率</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="42"/>
        <source>no image files (.png, .jpg, .jpeg, .bmp) in what was dropped or opened</source>
        <translation>ドロップまたは開いたものに画像ファイル（.png、.jpg、.jpeg、.bmp）がありません</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="94"/>
        <source>Open images…</source>
        <translation>画像を開く…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="96"/>
        <source>Open folder…</source>
        <translation>フォルダーを開く…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="102"/>
        <source>top </source>
        <translation>上位 </translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="103"/>
        <source>How many classes to list per image</source>
        <translation>画像ごとに表示するクラスの数</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="111"/>
        <source>Save CSV…</source>
        <translation>CSV を保存…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="129"/>
        <source>Click a header to sort; Probability starts least confident first</source>
        <translation>見出しをクリックで並べ替え。「確率」は確信度の低い順から始まります</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="144"/>
        <source>No model yet: train a classifier (Train tab) or open a .keras file (File ▸ Open model…), then drop images or a folder here.</source>
        <translation>モデルがまだありません。分類器を学習する（学習タブ）か .keras ファイルを開いて（ファイル ▸ モデルを開く…）から、画像やフォルダーをここにドロップしてください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="147"/>
        <source>{0} is not a classifier (a detector or segmenter): use the Detect tab.</source>
        <translation>{0} は分類器ではありません（物体検出かセグメンテーションのモデル）。検出タブを使ってください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="149"/>
        <source>{0} takes rows of a table, not images: Predict answers for images.</source>
        <translation>{0} は画像ではなく表の行を入力とします。「予測」は画像用です。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="151"/>
        <source>{0} has no saved file to predict with; export it or train it again.</source>
        <translation>{0} には予測に使う保存ファイルがありません。書き出すか、もう一度学習してください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="162"/>
        <source>Model: &lt;b&gt;{0}&lt;/b&gt; ({1})</source>
        <translation>モデル：&lt;b&gt;{0}&lt;/b&gt;（{1}）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="164"/>
        <source>Drop images or a folder on this tab, or use the Open buttons.</source>
        <translation>このタブに画像やフォルダーをドロップするか、「開く」ボタンを使ってください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="171"/>
        <source>Images ({0})</source>
        <translation>画像（{0}）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="172"/>
        <source>All files ({0})</source>
        <translation>すべてのファイル（{0}）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="173"/>
        <source>Images to predict</source>
        <translation>予測する画像</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="178"/>
        <source>A folder of images to predict</source>
        <translation>予測する画像のフォルダー</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="195"/>
        <source>Predicting {0} dropped item(s)…</source>
        <translation>ドロップされた {0} 項目を予測中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="216"/>
        <source>Predicted {0} image(s); {1} could not be read</source>
        <translation>{0} 枚の画像を予測しました。{1} 枚は読み込めませんでした</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="219"/>
        <source>Predicted {0} image(s)</source>
        <translation>{0} 枚の画像を予測しました</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="235"/>
        <source>unreadable</source>
        <translation>読み込めません</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="253"/>
        <source>Save the predictions</source>
        <translation>予測を保存</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="254"/>
        <source>CSV files ({0})</source>
        <translation>CSV ファイル（{0}）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="266"/>
        <source>Could not save the predictions: {0}</source>
        <translation>予測を保存できませんでした：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/predict_panel.py" line="268"/>
        <source>Saved {0} prediction(s) to {1}</source>
        <translation>{0} 件の予測を {1} に保存しました</translation>
    </message>
</context>
<context>
    <name>PredictionsBrowser</name>
    <message>
        <location filename="../../ui/widgets/predictions_browser.py" line="97"/>
        <source>Every validation sample, least confident first (red: wrong); double-click to open one in Explain</source>
        <translation>検証データの全サンプル。確信度の低い順 (赤: 誤り)。ダブルクリックで説明タブに開きます</translation>
    </message>
</context>
<context>
    <name>PredictionsModel</name>
    <message>
        <location filename="../../ui/widgets/predictions_browser.py" line="14"/>
        <source>Sample</source>
        <translation>サンプル</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/predictions_browser.py" line="14"/>
        <source>True</source>
        <translation>正解</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/predictions_browser.py" line="15"/>
        <source>Predicted</source>
        <translation>予測</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/predictions_browser.py" line="15"/>
        <source>Confidence</source>
        <translation>確信度</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <location filename="../../ui/widgets/preferences.py" line="30"/>
        <source>Preferences</source>
        <extracomment>The environment variable that sets the runs folder for one session (tests, scripts). {&quot;device&quot;: str, &quot;runs_folder&quot;: str, &quot;theme&quot;: str, &quot;language&quot;: str}: the values just saved.</extracomment>
        <translation>設定</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/preferences.py" line="33"/>
        <source>automatic (GPU:0 when there is one, else CPU:0)</source>
        <translation>自動 (GPU:0 があればそれを、なければ CPU:0)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/preferences.py" line="38"/>
        <source>{0} (not found now)</source>
        <translation>{0} (現在見つかりません)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/preferences.py" line="40"/>
        <source>The device the Train tab starts with (TensorFlow&apos;s device name)</source>
        <translation>学習タブが最初に使うデバイス (TensorFlow のデバイス名)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/preferences.py" line="43"/>
        <source>Where new runs are written; the Runs tab lists this folder</source>
        <translation>新しい実行を書き込む場所です。実行タブはこのフォルダを一覧表示します</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/preferences.py" line="45"/>
        <source>Choose…</source>
        <translation>選択…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/preferences.py" line="47"/>
        <source>Default</source>
        <translation>既定値</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/preferences.py" line="58"/>
        <source>Set by the environment variable {0} for this session</source>
        <translation>このセッションでは環境変数 {0} で設定されています</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/preferences.py" line="67"/>
        <source>The language of the window&apos;s texts</source>
        <translation>ウィンドウに表示する言語</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/preferences.py" line="68"/>
        <source>A new language applies at the next start of Keras Workbench.</source>
        <translation>言語の変更は Keras Workbench の次回起動時に反映されます。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/preferences.py" line="75"/>
        <source>Default device</source>
        <translation>既定のデバイス</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/preferences.py" line="76"/>
        <location filename="../../ui/widgets/preferences.py" line="92"/>
        <source>Runs folder</source>
        <translation>実行フォルダ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/preferences.py" line="77"/>
        <source>Theme</source>
        <translation>テーマ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/preferences.py" line="78"/>
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/preferences.py" line="106"/>
        <source>{0} is a file: choose a folder for the runs.</source>
        <translation>{0} はファイルです。実行用のフォルダを選んでください。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/preferences.py" line="111"/>
        <source>{0} cannot be written here: choose a folder you may write to.</source>
        <translation>{0} には書き込めません。書き込み可能なフォルダを選んでください。</translation>
    </message>
</context>
<context>
    <name>PresetsBox</name>
    <message>
        <location filename="../../ui/widgets/presets.py" line="43"/>
        <source>Presets: the notes&apos; exercises…</source>
        <translation>プリセット：ノートの演習…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/presets.py" line="48"/>
        <source>Fill the model, the data and the form as an exercise of the notes; a comparison then runs in the Runs tab</source>
        <translation>ノートの演習としてモデル、データ、フォームを設定します。比較は実行タブで行われます</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/presets.py" line="53"/>
        <source>Exercise</source>
        <translation>演習</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/presets.py" line="76"/>
        <source>Loading {0} for the preset {1}…</source>
        <translation>プリセット {1} のために {0} を読み込み中…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/presets.py" line="94"/>
        <source>Preset {0}: {1}</source>
        <translation>プリセット {0}：{1}</translation>
    </message>
</context>
<context>
    <name>QuitGuard</name>
    <message>
        <location filename="../../ui/quit_guard.py" line="64"/>
        <source>{0}: a training run</source>
        <extracomment>How often the guard looks whether the stopped work has ended (milliseconds). Ending the application at once loses at most the epoch in progress (a run with resume points); ``kill`` does it. None: quitting at once would lose work, so it is not offered.</extracomment>
        <translation>{0}: 学習の実行</translation>
    </message>
    <message>
        <location filename="../../ui/quit_guard.py" line="65"/>
        <source>{0}: a comparison run (several trainings)</source>
        <translation>{0}: 比較の実行 (複数の学習)</translation>
    </message>
    <message>
        <location filename="../../ui/quit_guard.py" line="71"/>
        <source>{0}: explanations being computed</source>
        <translation>{0}: 説明を計算中</translation>
    </message>
    <message>
        <location filename="../../ui/quit_guard.py" line="75"/>
        <source>{0}: explaining a folder of images</source>
        <translation>{0}: 画像フォルダを説明中</translation>
    </message>
    <message>
        <location filename="../../ui/quit_guard.py" line="79"/>
        <source>{0}: an export (it is written and verified first)</source>
        <translation>{0}: 書き出し (書き込みと検証を先に済ませます)</translation>
    </message>
    <message>
        <location filename="../../ui/quit_guard.py" line="88"/>
        <source>Still stopping:{0}</source>
        <translation>まだ停止処理中です:{0}</translation>
    </message>
    <message>
        <location filename="../../ui/quit_guard.py" line="89"/>
        <source>Keras Workbench is still working:{0}</source>
        <translation>Keras Workbench はまだ処理中です:{0}</translation>
    </message>
    <message>
        <location filename="../../ui/quit_guard.py" line="93"/>
        <source>&lt;b&gt;Stop and keep&lt;/b&gt; stops each run after its current batch and closes the window once they have ended: every complete epoch stays a resume point (Train → Resume run…).</source>
        <translation>&lt;b&gt;停止して保存&lt;/b&gt;は、各実行を現在のバッチの後で停止し、すべて終わってからウィンドウを閉じます。完了したエポックはすべて再開ポイントとして残ります (学習 → 実行を再開…)。</translation>
    </message>
    <message>
        <location filename="../../ui/quit_guard.py" line="96"/>
        <source>&lt;b&gt;Stop and keep&lt;/b&gt; stops each run after its current batch and closes the window once they have ended: every complete epoch stays a resume point (Train → Resume run…). An export is finished, an explanation batch cancelled at its next image, first.</source>
        <translation>&lt;b&gt;停止して保存&lt;/b&gt;は、各実行を現在のバッチの後で停止し、すべて終わってからウィンドウを閉じます。完了したエポックはすべて再開ポイントとして残ります (学習 → 実行を再開…)。その前に、書き出しは最後まで行い、説明のバッチ処理は次の画像で取り消します。</translation>
    </message>
    <message>
        <location filename="../../ui/quit_guard.py" line="101"/>
        <source>&lt;b&gt;Quit now&lt;/b&gt; ends the training at once: it loses at most the epoch in progress; the last complete epoch stays a resume point.</source>
        <translation>&lt;b&gt;すぐに終了&lt;/b&gt;は学習をただちに終了します。失われるのは進行中のエポックだけで、最後に完了したエポックは再開ポイントとして残ります。</translation>
    </message>
    <message>
        <location filename="../../ui/quit_guard.py" line="105"/>
        <source>Quitting at once is not offered: it would lose work that is not saved yet.</source>
        <translation>まだ保存されていない作業が失われるため、すぐに終了することはできません。</translation>
    </message>
    <message>
        <location filename="../../ui/quit_guard.py" line="113"/>
        <source>Quit Keras Workbench?</source>
        <translation>Keras Workbench を終了しますか?</translation>
    </message>
    <message>
        <location filename="../../ui/quit_guard.py" line="116"/>
        <source>Stop and keep</source>
        <translation>停止して保存</translation>
    </message>
    <message>
        <location filename="../../ui/quit_guard.py" line="118"/>
        <source>Keep waiting</source>
        <translation>待ち続ける</translation>
    </message>
    <message>
        <location filename="../../ui/quit_guard.py" line="119"/>
        <source>Keep training</source>
        <translation>学習を続ける</translation>
    </message>
    <message>
        <location filename="../../ui/quit_guard.py" line="121"/>
        <source>Quit now</source>
        <translation>すぐに終了</translation>
    </message>
    <message>
        <location filename="../../ui/quit_guard.py" line="170"/>
        <source>Stopping after the current batch; the window closes when the work has ended (the last complete epoch stays a resume point)…</source>
        <extracomment>``ask(busy, waiting) -&gt; STOP | KEEP | QUIT_NOW`` (tests replace it).</extracomment>
        <translation>現在のバッチの後で停止します。処理が終わるとウィンドウが閉じます (最後に完了したエポックは再開ポイントとして残ります)…</translation>
    </message>
</context>
<context>
    <name>ReferenceBadge</name>
    <message>
        <location filename="../../ui/widgets/reference_badge.py" line="35"/>
        <source>cached</source>
        <extracomment>The lane shared with every other Keras call of the GUI (see ``ui.bridge._Lane``).</extracomment>
        <translation>キャッシュ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/reference_badge.py" line="37"/>
        <source>{0} s</source>
        <translation>{0} 秒</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/reference_badge.py" line="38"/>
        <source>expected &lt;b&gt;{0}&lt;/b&gt;, measured &lt;b&gt;{1}&lt;/b&gt; · </source>
        <translation>期待値 &lt;b&gt;{0}&lt;/b&gt;、測定値 &lt;b&gt;{1}&lt;/b&gt; · </translation>
    </message>
    <message>
        <location filename="../../ui/widgets/reference_badge.py" line="41"/>
        <source>{0} · {1} UTC ({2})</source>
        <translation>{0} · {1} UTC ({2})</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/reference_badge.py" line="57"/>
        <source>Outside reference</source>
        <extracomment>The result dict of the latest finished check or cache read (tests wait on it).</extracomment>
        <translation>外部の参照値</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/reference_badge.py" line="65"/>
        <location filename="../../ui/widgets/reference_badge.py" line="120"/>
        <source>Check</source>
        <translation>確認</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/reference_badge.py" line="66"/>
        <source>Compare this entry with its reference on this machine (in the background)</source>
        <translation>このエントリを参照値とこのマシン上で比較します (バックグラウンドで実行)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/reference_badge.py" line="86"/>
        <source>expected &lt;b&gt;{0}&lt;/b&gt;</source>
        <translation>期待値 &lt;b&gt;{0}&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/reference_badge.py" line="89"/>
        <source>built with {0}</source>
        <translation>構築条件: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/reference_badge.py" line="91"/>
        <source>Looking for a cached result…</source>
        <translation>キャッシュされた結果を探しています…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/reference_badge.py" line="95"/>
        <source>Cache not readable: {0}</source>
        <translation>キャッシュを読めません: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/reference_badge.py" line="106"/>
        <source>Checking {0} against its reference (in the background)…</source>
        <translation>{0} を参照値と比較しています (バックグラウンド)…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/reference_badge.py" line="114"/>
        <source>Not checked on this machine yet: press Check (it may take a few seconds).</source>
        <translation>このマシンではまだ確認していません: 「確認」を押してください (数秒かかることがあります)。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/reference_badge.py" line="128"/>
        <source>Check again</source>
        <translation>再確認</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/reference_badge.py" line="135"/>
        <source>✗ could not check: {0}</source>
        <translation>✗ 確認できませんでした: {0}</translation>
    </message>
</context>
<context>
    <name>ReportView</name>
    <message>
        <location filename="../../ui/widgets/export/report_view.py" line="23"/>
        <source>Format</source>
        <extracomment>Differences below this count as &quot;the same predictions&quot; (float32 round-off).</extracomment>
        <translation>形式</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/export/report_view.py" line="24"/>
        <source>Written to</source>
        <translation>保存先</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/export/report_view.py" line="25"/>
        <source>Checked on</source>
        <translation>確認に使ったデータ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/export/report_view.py" line="26"/>
        <source>{0} samples ({1})</source>
        <translation>{0} サンプル（{1}）</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/export/report_view.py" line="27"/>
        <source>Largest difference</source>
        <translation>最大差</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/export/report_view.py" line="30"/>
        <source>Same predicted class</source>
        <translation>予測クラスの一致</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/export/report_view.py" line="32"/>
        <source>Accuracy</source>
        <translation>精度</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/export/report_view.py" line="33"/>
        <source>{0} before → {1} after</source>
        <translation>前 {0} → 後 {1}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/export/report_view.py" line="35"/>
        <source>Size</source>
        <translation>サイズ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/export/report_view.py" line="36"/>
        <location filename="../../ui/widgets/export/report_view.py" line="39"/>
        <source>{0} (original {1})</source>
        <translation>{0}（元 {1}）</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/export/report_view.py" line="38"/>
        <source>Gzipped</source>
        <translation>gzip 圧縮後</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/export/report_view.py" line="43"/>
        <source>Latency</source>
        <translation>レイテンシ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/export/report_view.py" line="44"/>
        <source>{0:.3f} ms per sample (original {1})</source>
        <translation>1 サンプルあたり {0:.3f} ms（元 {1}）</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/export/report_view.py" line="54"/>
        <source>Check</source>
        <translation>確認項目</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/export/report_view.py" line="54"/>
        <source>Result</source>
        <translation>結果</translation>
    </message>
</context>
<context>
    <name>RunBar</name>
    <message>
        <location filename="../../ui/widgets/compare/run_bar.py" line="11"/>
        <source>Explain</source>
        <translation>説明</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/run_bar.py" line="12"/>
        <source>Run the checked methods one after another; each cell fills in when ready</source>
        <translation>選んだ手法を順に実行します。各セルはでき次第埋まります</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/run_bar.py" line="14"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/run_bar.py" line="15"/>
        <source>Stop after the method that is running now</source>
        <translation>実行中の手法が終わったら停止します</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/run_bar.py" line="16"/>
        <source>Sanity check</source>
        <translation>サニティチェック</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/run_bar.py" line="17"/>
        <source>Adebayo et al. 2018: re-initialise the layers from the output down and see whether each checked method&apos;s map falls apart, as it should</source>
        <translation>Adebayo ら 2018: 出力側から層を順に再初期化し、選んだ各手法のマップが本来そうなるべきように崩れるかを確かめます</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/run_bar.py" line="22"/>
        <source>No comparison yet</source>
        <translation>まだ比較していません</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/run_bar.py" line="35"/>
        <source>%v / %m steps</source>
        <translation>%v / %m ステップ</translation>
    </message>
</context>
<context>
    <name>RunFilterBar</name>
    <message>
        <location filename="../../ui/widgets/run_filter.py" line="31"/>
        <source>Search name, model, data, tags, note…</source>
        <translation>名前、モデル、データ、タグ、メモを検索…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_filter.py" line="33"/>
        <source>Runs whose name, folder, model, data, tags or note contain every word</source>
        <translation>名前、フォルダー、モデル、データ、タグ、メモにすべての語を含む実行</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_filter.py" line="37"/>
        <source>Only the runs with this tag</source>
        <translation>このタグの付いた実行だけ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_filter.py" line="18"/>
        <source>All tags</source>
        <extracomment>An example condition (metric keys and operators are the same in every language).</extracomment>
        <translation>すべてのタグ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_filter.py" line="42"/>
        <location filename="../../ui/widgets/run_filter.py" line="111"/>
        <source>Final metrics: METRIC OP NUMBER (OP one of &lt; &lt;= &gt; &gt;= = !=), several joined with &apos;and&apos;</source>
        <translation>最終の指標：METRIC OP NUMBER（OP は &lt; &lt;= &gt; &gt;= = != のいずれか）。複数は &apos;and&apos; でつなぎます</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_filter.py" line="51"/>
        <source>Filter</source>
        <translation>絞り込み</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_filter.py" line="100"/>
        <source>&lt;span style=&apos;color:#b03000&apos;&gt;condition ignored&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:#b03000&apos;&gt;条件は無視されました&lt;/span&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_filter.py" line="102"/>
        <source>{0} of {1} runs</source>
        <translation>{1} 件中 {0} 件の実行</translation>
    </message>
</context>
<context>
    <name>RunMetaEditor</name>
    <message>
        <location filename="../../ui/widgets/run_meta.py" line="32"/>
        <source>Shown in the table instead of the folder name</source>
        <extracomment>Example tags (tags are identifiers: the same in every language).</extracomment>
        <translation>フォルダー名の代わりに表に表示されます</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_meta.py" line="35"/>
        <source>Words separated by commas or spaces: letters, digits and - _ . : / + =</source>
        <translation>カンマか空白で区切った語：英字、数字と - _ . : / + =</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_meta.py" line="41"/>
        <source>What this run was for, what you noticed</source>
        <translation>この実行の目的や気づいたこと</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_meta.py" line="43"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_meta.py" line="44"/>
        <source>Write the name, tags and note into the run&apos;s meta.json</source>
        <translation>名前、タグ、メモを実行の meta.json に書き込みます</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_meta.py" line="47"/>
        <source>Revert</source>
        <translation>元に戻す</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_meta.py" line="57"/>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_meta.py" line="58"/>
        <source>Tags</source>
        <translation>タグ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_meta.py" line="59"/>
        <source>Note</source>
        <translation>メモ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_meta.py" line="84"/>
        <source>Select one run to name, tag and annotate it.</source>
        <translation>実行を 1 つ選ぶと、名前、タグ、メモを付けられます。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_meta.py" line="86"/>
        <source>A damaged run cannot be annotated.</source>
        <translation>壊れた実行にはメモを付けられません。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_meta.py" line="107"/>
        <source>Saved.</source>
        <translation>保存しました。</translation>
    </message>
</context>
<context>
    <name>RunPicker</name>
    <message>
        <location filename="../../ui/widgets/run_picker.py" line="38"/>
        <source>Refresh</source>
        <extracomment>A run the user picked from the list or opened, or the one a refresh selected anew. Folders searched besides the session&apos;s runs folder.</extracomment>
        <translation>更新</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_picker.py" line="40"/>
        <source>Open run folder…</source>
        <translation>実行フォルダーを開く…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_picker.py" line="44"/>
        <source>Run:</source>
        <translation>実行：</translation>
    </message>
</context>
<context>
    <name>RunVariants</name>
    <message>
        <location filename="../../ui/widgets/run_variants.py" line="32"/>
        <source>variant</source>
        <extracomment>Columns shown (the variant&apos;s name says its format and sparsity; the path is the row&apos;s tooltip). Their headers in the window&apos;s language (the keys are ``workbench.runs.variants.COLUMNS``&apos; titles).</extracomment>
        <translation>派生版</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_variants.py" line="32"/>
        <source>size</source>
        <translation>サイズ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_variants.py" line="33"/>
        <source>ms/sample</source>
        <translation>ms/サンプル</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_variants.py" line="34"/>
        <source>accuracy</source>
        <translation>精度</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_variants.py" line="35"/>
        <source>agreement</source>
        <translation>一致率</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_variants.py" line="62"/>
        <location filename="../../ui/widgets/run_variants.py" line="88"/>
        <source>Select one run to see its exports and compressed variants.</source>
        <extracomment>A derived run&apos;s directory the user asked to select.</extracomment>
        <translation>実行を 1 つ選ぶと、その書き出しと圧縮した派生版を表示します。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_variants.py" line="65"/>
        <source>Measure</source>
        <translation>測定</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_variants.py" line="66"/>
        <source>Check the variants without a report (distilled students) on the original&apos;s validation samples: latency, accuracy, agreement</source>
        <translation>レポートのない派生版（蒸留した生徒モデル）を元の検証サンプルで確認します：レイテンシ、精度、一致率</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_variants.py" line="70"/>
        <source>Select run</source>
        <translation>実行を選択</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_variants.py" line="71"/>
        <source>Select this derived run in the table above</source>
        <translation>この派生した実行を上の表で選択します</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_variants.py" line="100"/>
        <source>measuring the variants on the validation samples…</source>
        <translation>検証サンプルで派生版を測定中…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_variants.py" line="101"/>
        <source>finding variants…</source>
        <translation>派生版を探し中…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_variants.py" line="114"/>
        <source>No exports and no runs made from this run yet (keras-workbench export / prune, or train distillation with teacher = this run).</source>
        <translation>この実行からの書き出しも派生した実行もまだありません（keras-workbench export / prune、または teacher = この実行 で distillation を学習）。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_variants.py" line="118"/>
        <source>{0} export(s), {1} derived run(s); accuracy on {2}. Double-click a derived run to select it.</source>
        <translation>書き出し {0} 件、派生した実行 {1} 件。精度は {2} で計測。派生した実行をダブルクリックで選択します。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/run_variants.py" line="132"/>
        <source>accuracy on {0}</source>
        <translation>精度の計測：{0}</translation>
    </message>
</context>
<context>
    <name>RunViews</name>
    <message>
        <location filename="../../ui/widgets/views/browser.py" line="28"/>
        <source>View</source>
        <translation>ビュー</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/browser.py" line="28"/>
        <source>Kind</source>
        <translation>種類</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/browser.py" line="28"/>
        <source>Epoch</source>
        <translation>エポック</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/browser.py" line="35"/>
        <location filename="../../ui/widgets/views/browser.py" line="58"/>
        <source>Select one run to list the views it saved.</source>
        <translation>ランを 1 つ選ぶと、保存されたビューの一覧を表示します。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/browser.py" line="63"/>
        <source>Reading the run&apos;s views…</source>
        <translation>ランのビューを読み込んでいます…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/browser.py" line="76"/>
        <source>This run saved no views.</source>
        <translation>このランはビューを保存していません。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/browser.py" line="80"/>
        <source>{0} view(s): choose one to show it.</source>
        <translation>ビュー {0} 件: 表示するものを選んでください。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/browser.py" line="117"/>
        <source>{0} cannot be shown: {1}</source>
        <translation>{0} は表示できません: {1}</translation>
    </message>
</context>
<context>
    <name>RunsPanel</name>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="37"/>
        <source>Run</source>
        <extracomment>Seconds between two background re-reads of the run folders while the tab is visible. Table columns: (header, final metric shown, or None for a descriptive column). The descriptive headers are marked for translation; the metric keys stay as they are.</extracomment>
        <translation>実行</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="37"/>
        <source>Tags</source>
        <translation>タグ</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="38"/>
        <location filename="../../ui/panels/runs_panel.py" line="264"/>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="38"/>
        <source>Data</source>
        <translation>データ</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="39"/>
        <location filename="../../ui/panels/runs_panel.py" line="450"/>
        <source>Differs from defaults</source>
        <translation>既定値との違い</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="40"/>
        <location filename="../../ui/panels/runs_panel.py" line="267"/>
        <source>Epochs</source>
        <translation>エポック</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="41"/>
        <source>Date</source>
        <translation>日時</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="111"/>
        <source>Add folder…</source>
        <translation>フォルダーを追加…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="112"/>
        <source>Also list the runs in another folder</source>
        <translation>別のフォルダーの実行も一覧に加えます</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="114"/>
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="144"/>
        <source>Open model</source>
        <translation>モデルを開く</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="145"/>
        <source>Load the selected run&apos;s model.keras as the current model (Explain and Export use it)</source>
        <translation>選んだ実行の model.keras を現在のモデルとして読み込みます（「説明」と「書き出し」で使われます）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="148"/>
        <source>Resume</source>
        <translation>再開</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="149"/>
        <source>Continue the selected run from its last complete epoch</source>
        <translation>選んだ実行を最後に完了したエポックから続けます</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="152"/>
        <source>Repeat</source>
        <translation>再現</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="153"/>
        <source>Train the selected run again into a new folder beside it: the same seed, data, settings and recorded steering changes</source>
        <translation>選んだ実行を隣の新しいフォルダーにもう一度学習します：同じシード、データ、設定、記録された途中の変更</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="158"/>
        <source>Select several rows (Ctrl/Shift-click) to overlay their curves.</source>
        <translation>複数の行を選ぶと（Ctrl/Shift+クリック）曲線を重ねて表示します。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="182"/>
        <source>Metric</source>
        <translation>指標</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="184"/>
        <source>Curves of the selected runs</source>
        <translation>選んだ実行の曲線</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="187"/>
        <source>Select runs in the table to draw their curves here.</source>
        <translation>表で実行を選ぶと、ここに曲線を描きます。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="199"/>
        <source>The selected run</source>
        <translation>選んだ実行</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="203"/>
        <source>Name &amp;&amp; tags</source>
        <translation>名前とタグ</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="204"/>
        <source>Views</source>
        <translation>ビュー</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="205"/>
        <source>Exports &amp;&amp; variants</source>
        <translation>書き出しと派生版</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="219"/>
        <source>Comparison</source>
        <translation>比較</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="220"/>
        <source>Search</source>
        <translation>探索</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="239"/>
        <source>The hyperparameter that changes from run to run; everything else (data, seed, epochs, other hyperparameters) stays the same</source>
        <translation>実行ごとに変えるハイパーパラメータ。それ以外（データ、シード、エポック数、他のハイパーパラメータ）は同じままです</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="245"/>
        <source>One run per ticked value</source>
        <translation>チェックした値ごとに 1 回実行</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="251"/>
        <source>all</source>
        <translation>すべて</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="252"/>
        <source>Batches per epoch (all = the whole training set)</source>
        <translation>エポックあたりのバッチ数（すべて = 学習データ全体）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="255"/>
        <source>The same seed for every run: same initial weights and batches</source>
        <translation>すべての実行で同じシード：同じ初期重みと同じバッチ</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="257"/>
        <source>Start comparison</source>
        <translation>比較を開始</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="259"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="260"/>
        <source>Stop the current run after this batch and skip the remaining ones</source>
        <translation>現在の実行をこのバッチの後で停止し、残りを飛ばします</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="265"/>
        <source>Compare</source>
        <translation>比較する項目</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="266"/>
        <source>Values</source>
        <translation>値</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="268"/>
        <source>Batches/epoch</source>
        <translation>バッチ数/エポック</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="269"/>
        <source>Seed</source>
        <translation>シード</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="279"/>
        <source>Train the current model (Model tab) on the loaded data once per value, then compare the curves.</source>
        <translation>現在のモデル（モデルタブ）を読み込んだデータで値ごとに 1 回学習し、曲線を比較します。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="286"/>
        <source>Comparison run</source>
        <translation>比較実行</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="304"/>
        <source>epoch</source>
        <translation>エポック</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="319"/>
        <source>Runs in {0}</source>
        <translation>{0} の実行</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="335"/>
        <source>Add a folder of runs</source>
        <translation>実行のフォルダーを追加</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="373"/>
        <source>No runs yet in {0}: train in the Train tab, or start a comparison run below.</source>
        <translation>{0} に実行はまだありません。学習タブで学習するか、下で比較実行を開始してください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="392"/>
        <location filename="../../ui/panels/runs_panel.py" line="443"/>
        <source>defaults</source>
        <translation>既定値</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="403"/>
        <source>no epoch finished</source>
        <translation>完了したエポックはありません</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="411"/>
        <location filename="../../ui/panels/runs_panel.py" line="442"/>
        <source>damaged (see tooltip)</source>
        <translation>破損（ツールチップ参照）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="450"/>
        <source>Differs from selected</source>
        <translation>選択した実行との違い</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="557"/>
        <source>Select one run to open its model.</source>
        <translation>モデルを開く実行を 1 つ選んでください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="564"/>
        <source>TensorFlow is still loading; open the model again when the status bar says Ready.</source>
        <translation>TensorFlow はまだ読み込み中です。ステータスバーに Ready と出てから、もう一度モデルを開いてください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="570"/>
        <source>{0} is a tabular agent ({1}, no model.keras): watch it in the Play tab or with keras-workbench play.</source>
        <translation>{0} は表形式のエージェントです（{1}、model.keras なし）。プレイタブか keras-workbench play で見てください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="575"/>
        <source>{0} has no model.keras yet (the run never finished an epoch): resume it or train again.</source>
        <translation>{0} にはまだ model.keras がありません（1 エポックも完了していません）。再開するか、もう一度学習してください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="591"/>
        <source>Opened the model of run {0}: {1:,} parameters</source>
        <translation>実行 {0} のモデルを開きました：パラメータ数 {1:,}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="595"/>
        <source>Loading the model of {0}…</source>
        <translation>{0} のモデルを読み込み中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="600"/>
        <source>Select one run to resume.</source>
        <translation>再開する実行を 1 つ選んでください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="615"/>
        <source>Resuming {0}…</source>
        <translation>{0} を再開中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="622"/>
        <source>Select one run to repeat.</source>
        <translation>再現する実行を 1 つ選んでください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="644"/>
        <source>Repeating {0} into {1}…</source>
        <translation>{0} を {1} に再現中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="653"/>
        <source>&lt;i&gt;choose a model in the Model tab&lt;/i&gt;</source>
        <translation>&lt;i&gt;モデルタブでモデルを選んでください&lt;/i&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="695"/>
        <source>No data loaded: choose a data set in the Data tab first.</source>
        <translation>データが読み込まれていません。先にデータタブでデータセットを選んでください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="698"/>
        <source>No model chosen: pick one in the Model tab first.</source>
        <translation>モデルが選ばれていません。先にモデルタブで選んでください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="701"/>
        <source>{0} takes {1} data, but {2!r} is {3} data.</source>
        <translation>{0} は {1} データを扱いますが、{2!r} は {3} データです。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="705"/>
        <source>{0} has no hyperparameter with a list of choices to compare.</source>
        <translation>{0} には比較できる選択肢付きのハイパーパラメータがありません。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="708"/>
        <source>Tick at least two values of {0} to compare.</source>
        <translation>比較するには {0} の値を 2 つ以上チェックしてください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="734"/>
        <source>Comparing {0} = {1}: {2} runs of {3} epoch(s) into {4}</source>
        <translation>{0} = {1} を比較中：{3} エポックの実行を {2} 回、保存先 {4}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="752"/>
        <source>TensorFlow is still loading; try again when the status bar says Ready.</source>
        <translation>TensorFlow はまだ読み込み中です。ステータスバーに Ready と出てから、もう一度お試しください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="756"/>
        <source>A comparison, search or resumed run is already in progress; stop it first.</source>
        <translation>比較、探索、または再開した実行がすでに進行中です。先に停止してください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="799"/>
        <source>%p% · run {0}/{1}</source>
        <translation>%p% · 実行 {0}/{1}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="827"/>
        <source>Runs: {0}</source>
        <translation>実行：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="835"/>
        <source>Comparison of {0} finished ({1} runs). Final {2}: {3}</source>
        <translation>{0} の比較が終わりました（{1} 回の実行）。最終の {2}：{3}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="840"/>
        <source>Resumed run finished: {0} epochs.</source>
        <translation>再開した実行が終わりました：{0} エポック。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/runs_panel.py" line="844"/>
        <source>&lt;span style=&apos;color:#b03000&apos;&gt;Run failed: {0}&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:#b03000&apos;&gt;実行に失敗しました：{0}&lt;/span&gt;</translation>
    </message>
</context>
<context>
    <name>SampleCard</name>
    <message>
        <location filename="../../ui/widgets/sample_card.py" line="18"/>
        <source>Choose a sample.</source>
        <translation>サンプルを選んでください。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sample_card.py" line="23"/>
        <source>Open in Explain</source>
        <translation>説明タブで開く</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sample_card.py" line="25"/>
        <source>Mark mislabelled</source>
        <translation>ラベル誤りとして印を付ける</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sample_card.py" line="27"/>
        <source>Mark drop</source>
        <translation>除外の印を付ける</translation>
    </message>
</context>
<context>
    <name>SampleGrid</name>
    <message>
        <location filename="../../ui/widgets/image_view.py" line="85"/>
        <source>No samples</source>
        <translation>サンプルがありません</translation>
    </message>
</context>
<context>
    <name>SampleStrip</name>
    <message>
        <location filename="../../ui/widgets/sample_strip.py" line="78"/>
        <source>sample</source>
        <extracomment>More samples than this and only the first ones are shown (a cell of the diagonal of CIFAR-10 holds ~900); the caller says how many were left out.</extracomment>
        <translation>サンプル</translation>
    </message>
</context>
<context>
    <name>SanityView</name>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="41"/>
        <source>Spearman rank correlation (absolute maps)</source>
        <extracomment>Curve colours, one per method (Okabe-Ito, readable by colour-blind users). The similarity measures&apos; titles (translated where shown: ``metric_title``).</extracomment>
        <translation>スピアマンの順位相関 (絶対値のマップ)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="42"/>
        <source>Spearman rank correlation (signed maps)</source>
        <translation>スピアマンの順位相関 (符号付きのマップ)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="43"/>
        <source>SSIM (absolute maps)</source>
        <translation>SSIM (絶対値のマップ)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="44"/>
        <source>SSIM (signed maps)</source>
        <translation>SSIM (符号付きのマップ)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="61"/>
        <source>Sanity check of the explanations</source>
        <extracomment>(done, total) from the worker thread, delivered on the GUI thread.</extracomment>
        <translation>説明手法のサニティチェック</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="76"/>
        <source>Also train a copy on shuffled labels</source>
        <translation>ラベルをシャッフルしたコピーも学習する</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="77"/>
        <source>Data randomisation: a copy trained from a fresh start on the loaded training images with their labels shuffled; its maps should not look like the trained model&apos;s either</source>
        <translation>データのランダム化: 読み込んだ学習画像のラベルをシャッフルし、初期状態から学習したコピー。そのマップも学習済みモデルのマップに似てはならない</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="83"/>
        <source> epochs</source>
        <translation> エポック</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="84"/>
        <source>Run again</source>
        <translation>再実行</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="86"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="87"/>
        <source>Stop after the map being computed</source>
        <translation>計算中のマップが終わったら停止します</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="90"/>
        <location filename="../../ui/widgets/sanity_view.py" line="186"/>
        <source>%v / %m steps</source>
        <translation>%v / %m ステップ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="102"/>
        <source>Similarity to the trained model&apos;s map:</source>
        <translation>学習済みモデルのマップとの類似度:</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="107"/>
        <source>similarity</source>
        <translation>類似度</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="108"/>
        <source>layers randomised so far (from the output down)</source>
        <translation>ランダム化した層 (出力側から順に)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="166"/>
        <source>Needs the model&apos;s own labelled training images loaded</source>
        <translation>モデル自身のラベル付き学習画像を読み込む必要があります</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="179"/>
        <source>input</source>
        <translation>入力</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="184"/>
        <source>Randomising the layers from the output down…</source>
        <translation>出力側から順に層をランダム化しています…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="208"/>
        <source>Cancelling after the map being computed…</source>
        <translation>計算中のマップが終わったらキャンセルします…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="219"/>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="246"/>
        <source>cancelled</source>
        <translation>キャンセル済み</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="246"/>
        <source>done</source>
        <translation>完了</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="260"/>
        <source>&lt;b&gt;Cancelled&lt;/b&gt; before every layer was randomised: no verdict.</source>
        <translation>すべての層をランダム化する前に&lt;b&gt;キャンセルされました&lt;/b&gt;: 判定なし。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="262"/>
        <source>&lt;b style=&apos;color:#b03000&apos;&gt;Fail: {0}&lt;/b&gt; — the maps still resemble the trained model&apos;s with every layer random, so they show the input more than the model.</source>
        <translation>&lt;b style=&apos;color:#b03000&apos;&gt;不合格: {0}&lt;/b&gt; — すべての層をランダムにしてもマップが学習済みモデルのものに似たままです。モデルよりも入力を映しています。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="266"/>
        <source>&lt;b style=&apos;color:#207020&apos;&gt;Every method passes&lt;/b&gt;: the maps fall apart as the model is randomised.</source>
        <translation>&lt;b style=&apos;color:#207020&apos;&gt;すべての手法が合格&lt;/b&gt;: モデルをランダム化するとマップが崩れます。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="269"/>
        <source>A method passes when its {0} falls below {1} once every layer is random.</source>
        <translation>すべての層をランダムにしたとき、{0} が {1} を下回れば合格です。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="274"/>
        <source>Pass: {0}.</source>
        <translation>合格: {0}。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="276"/>
        <source>Hardly changed by randomising the output layer: {0}.</source>
        <translation>出力層をランダム化してもほとんど変わらない: {0}。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="279"/>
        <source>Not computed: {0}</source>
        <translation>計算されなかった手法: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="285"/>
        <source>Shuffled labels ({0} epochs, training accuracy {1}): {2}</source>
        <translation>シャッフルしたラベル ({0} エポック、学習データの正解率 {1}): {2}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="309"/>
        <source>{0} (fails)</source>
        <translation>{0} (不合格)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="327"/>
        <source>shuffled labels</source>
        <translation>シャッフルしたラベル</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sanity_view.py" line="337"/>
        <source>{0}
(fails)</source>
        <translation>{0}
(不合格)</translation>
    </message>
</context>
<context>
    <name>ScatterView</name>
    <message>
        <location filename="../../ui/widgets/views/scatter.py" line="36"/>
        <source>How features of more than two dimensions are drawn on the plane</source>
        <extracomment>Legend entries per column; more classes spread over more columns. What the projection combo offers, by ``Scatter.projection`` value.</extracomment>
        <translation>3 次元以上の特徴量を平面に描く方法</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/scatter.py" line="43"/>
        <source>Projection</source>
        <translation>射影</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/scatter.py" line="79"/>
        <source>computing {0} of {1} points…</source>
        <translation>{1} 点の {0} を計算しています…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/scatter.py" line="91"/>
        <source>{0} points, {1} dimensions</source>
        <translation>{0} 点、{1} 次元</translation>
    </message>
</context>
<context>
    <name>SearchBox</name>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="350"/>
        <source>Search…</source>
        <translation>探索…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="351"/>
        <source>Grid or random search over the current model&apos;s hyperparameters</source>
        <translation>現在のモデルのハイパーパラメータをグリッドサーチまたはランダムサーチします</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="354"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="355"/>
        <source>Stop the current trial after this batch and skip the remaining ones</source>
        <translation>現在の試行をこのバッチの後で停止し、残りを飛ばします</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="361"/>
        <source>Search the current model&apos;s hyperparameters (grid or random); each trial is a run in the table above.</source>
        <translation>現在のモデルのハイパーパラメータを探索します（グリッドまたはランダム）。各試行は上の表の 1 つの実行になります。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="380"/>
        <source>Search failed: {0}</source>
        <translation>探索に失敗しました：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="392"/>
        <location filename="../../ui/widgets/search_table.py" line="452"/>
        <source>No model chosen: pick one in the Model tab first.</source>
        <translation>モデルが選ばれていません。先にモデルタブで選んでください。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="410"/>
        <source>TensorFlow is still loading; try again when the status bar says Ready.</source>
        <translation>TensorFlow はまだ読み込み中です。ステータスバーに Ready と出てから、もう一度お試しください。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="413"/>
        <source>A comparison, search or resumed run is already in progress; stop it first.</source>
        <translation>比較、探索、または再開した実行がすでに進行中です。先に停止してください。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="423"/>
        <source>Grid search: {0} trial(s) of {1} epoch(s) into {2}</source>
        <translation>グリッドサーチ：{1} エポックの試行を {0} 回、保存先 {2}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="425"/>
        <source>Random search: {0} trial(s) of {1} epoch(s) into {2}</source>
        <translation>ランダムサーチ：{1} エポックの試行を {0} 回、保存先 {2}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="497"/>
        <source>Search finished: {0}/{1} trials, table in {2}.</source>
        <translation>探索が終わりました：{0}/{1} 試行、表は {2}。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="502"/>
        <source>Best {0} {1:.4f}: {2}.</source>
        <translation>最良の {0} {1:.4f}：{2}。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="448"/>
        <source>No data loaded: choose a data set in the Data tab first.</source>
        <translation>データが読み込まれていません。先にデータタブでデータセットを選んでください。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="478"/>
        <source>%p% · trial {0}/{1}</source>
        <translation>%p% · 試行 {0}/{1}</translation>
    </message>
</context>
<context>
    <name>SearchDialog</name>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="175"/>
        <source>Search the hyperparameters of {0}</source>
        <translation>{0} のハイパーパラメータを探索</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="181"/>
        <source>&lt;b&gt;Search&lt;/b&gt;</source>
        <translation>&lt;b&gt;探索&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="182"/>
        <source>&lt;b&gt;Values&lt;/b&gt; (grid: a list · random: low:high or log:low:high)</source>
        <translation>&lt;b&gt;値&lt;/b&gt;（グリッド：リスト · ランダム：low:high または log:low:high）</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="194"/>
        <source>Grid: every combination</source>
        <translation>グリッド：すべての組み合わせ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="195"/>
        <source>Random: draws from the ranges</source>
        <translation>ランダム：範囲から抽出</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="203"/>
        <source>The draws&apos; seed: the same seed draws the same trials</source>
        <translation>抽出のシード：同じシードなら同じ試行を引きます</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="210"/>
        <source>all</source>
        <translation>すべて</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="221"/>
        <source>Mode</source>
        <translation>方式</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="222"/>
        <source>Random trials</source>
        <translation>ランダム試行の回数</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="223"/>
        <source>Random seed</source>
        <translation>乱数シード</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="224"/>
        <source>Epochs per trial</source>
        <translation>試行あたりのエポック数</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="225"/>
        <source>Batches per epoch</source>
        <translation>エポックあたりのバッチ数</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="226"/>
        <source>Rank by</source>
        <translation>順位付けの指標</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="228"/>
        <source>Start search</source>
        <translation>探索を開始</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="281"/>
        <source>tick at least one value of {0}</source>
        <translation>{0} の値を 1 つ以上チェックしてください</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="286"/>
        <source>give values for {0}</source>
        <translation>{0} の値を入力してください</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="289"/>
        <source>tick at least one hyperparameter to search</source>
        <translation>探索するハイパーパラメータを 1 つ以上チェックしてください</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="314"/>
        <source>{0} trials: narrow the grid (at most 200).</source>
        <translation>{0} 試行：グリッドを絞ってください（最大 200）。</translation>
    </message>
</context>
<context>
    <name>SearchTable</name>
    <message>
        <location filename="../../ui/widgets/search_table.py" line="96"/>
        <source>Click a header to sort by it; double-click a trial to select its run in the table above</source>
        <translation>見出しをクリックで並べ替え。試行をダブルクリックすると、上の表でその実行を選択します</translation>
    </message>
</context>
<context>
    <name>StatisticsView</name>
    <message>
        <location filename="../../ui/widgets/detect/statistics_view.py" line="25"/>
        <source>Load an annotated set (shapes, VOC, COCO) to see its statistics.</source>
        <translation>正解付きセット (shapes、VOC、COCO) を読み込むと統計を表示します。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/statistics_view.py" line="61"/>
        <source>Counting the boxes of {0} image(s)…</source>
        <translation>{0} 枚の画像のボックスを数えています…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/statistics_view.py" line="82"/>
        <source>&lt;b&gt;{0:,} boxes&lt;/b&gt; in {1:,} images · at most {2} per image · &lt;b&gt;{3}&lt;/b&gt; image(s) without boxes · COCO size groups: small {4}, medium {5}, large {6}</source>
        <translation>{1:,} 枚の画像に&lt;b&gt;ボックス {0:,} 個&lt;/b&gt; · 1 画像あたり最大 {2} 個 · ボックスのない画像 &lt;b&gt;{3}&lt;/b&gt; 枚 · COCO のサイズ区分: 小 {4}、中 {5}、大 {6}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/statistics_view.py" line="87"/>
        <source>set</source>
        <translation>セット</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/statistics_view.py" line="87"/>
        <source>classes</source>
        <translation>クラス数</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/statistics_view.py" line="87"/>
        <source>images</source>
        <translation>画像数</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/statistics_view.py" line="87"/>
        <source>boxes/image</source>
        <translation>ボックス/画像</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/statistics_view.py" line="89"/>
        <source>Boxes per class</source>
        <translation>クラスごとのボックス数</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/statistics_view.py" line="90"/>
        <source>Images by objects per image</source>
        <translation>1 画像あたりの物体数ごとの画像数</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/statistics_view.py" line="93"/>
        <source>Box side sqrt(area), pixels</source>
        <translation>ボックスの辺 sqrt(面積)、画素</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/statistics_view.py" line="95"/>
        <source>Aspect ratio width / height</source>
        <translation>アスペクト比 幅 / 高さ</translation>
    </message>
</context>
<context>
    <name>SteerBox</name>
    <message>
        <location filename="../../ui/widgets/steer_box.py" line="26"/>
        <source>Available while a run trains: each change applies before the next batch.</source>
        <translation>学習中に使えます: 変更は次のバッチの前に適用されます。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/steer_box.py" line="34"/>
        <source>Steer the run</source>
        <translation>学習中の調整</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/steer_box.py" line="41"/>
        <source>The optimizer&apos;s learning rate from the next batch on</source>
        <translation>次のバッチからのオプティマイザの学習率</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/steer_box.py" line="42"/>
        <location filename="../../ui/widgets/steer_box.py" line="58"/>
        <source>Apply</source>
        <translation>適用</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/steer_box.py" line="45"/>
        <source>A layer block: every layer whose name is the block or starts with it and _</source>
        <translation>層のブロック: 名前がブロック名と同じか、ブロック名と _ で始まるすべての層</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/steer_box.py" line="46"/>
        <source>Freeze</source>
        <translation>凍結</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/steer_box.py" line="47"/>
        <source>Stop training this block&apos;s weights (they stay exactly as they are)</source>
        <translation>このブロックの重みの学習を止めます (重みは今のまま保たれます)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/steer_box.py" line="49"/>
        <source>Unfreeze</source>
        <translation>凍結解除</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/steer_box.py" line="50"/>
        <source>Train this block&apos;s weights again</source>
        <translation>このブロックの重みを再び学習します</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/steer_box.py" line="52"/>
        <source>Early stopping</source>
        <translation>早期終了</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/steer_box.py" line="53"/>
        <source>Stop when the validation loss has not improved for &apos;patience&apos; epochs</source>
        <translation>検証損失が patience エポック改善しなければ停止します</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/steer_box.py" line="57"/>
        <source>patience </source>
        <translation>patience </translation>
    </message>
    <message>
        <location filename="../../ui/widgets/steer_box.py" line="65"/>
        <source>Learning rate</source>
        <translation>学習率</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/steer_box.py" line="68"/>
        <source>Layers</source>
        <translation>層</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/steer_box.py" line="94"/>
        <source>Waiting for the run to start…</source>
        <translation>学習の開始を待っています…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/steer_box.py" line="114"/>
        <source>Each change applies before the next batch and is kept in the run&apos;s config.json, so repeating or resuming the run replays it.</source>
        <translation>変更は次のバッチの前に適用され、ランの config.json に記録されるので、ランを繰り返したり再開したりすると再現されます。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/steer_box.py" line="117"/>
        <source>Each change applies before the next batch and is kept in the run&apos;s config.json, so repeating or resuming the run replays it. This run&apos;s learning rate follows a schedule.</source>
        <translation>変更は次のバッチの前に適用され、ランの config.json に記録されるので、ランを繰り返したり再開したりすると再現されます。このランの学習率はスケジュールに従います。</translation>
    </message>
</context>
<context>
    <name>TabularPage</name>
    <message>
        <location filename="../../ui/widgets/compare/tabular_page.py" line="17"/>
        <source>SHAP (Kernel SHAP)</source>
        <extracomment>The tabular methods, in the order they run (titles translated when shown: ``title``).</extracomment>
        <translation>SHAP (Kernel SHAP)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/tabular_page.py" line="18"/>
        <source>Exact Shapley (all 2^M coalitions)</source>
        <translation>厳密な Shapley 値 (全 2^M 提携)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/tabular_page.py" line="19"/>
        <source>LIME (tabular)</source>
        <translation>LIME (表データ)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/tabular_page.py" line="32"/>
        <source>Feature</source>
        <translation>特徴量</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/tabular_page.py" line="32"/>
        <source>Value</source>
        <translation>値</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/tabular_page.py" line="52"/>
        <source>Red bars push the probability of the explained class up, blue bars push it down. SHAP values add up exactly: base value (the average prediction) + their sum = the model&apos;s output; exact Shapley enumerates all 2^M coalitions (up to 12 features) and Kernel SHAP matches it. LIME fits a linear model to perturbed rows; a weight says what the feature being in its current range adds.</source>
        <translation>赤い棒は説明するクラスの確率を押し上げ、青い棒は押し下げます。SHAP 値は厳密に足し合わさります: ベース値 (平均の予測) + その合計 = モデルの出力。厳密な Shapley 値は全 2^M 提携を列挙し (特徴量 12 個まで)、Kernel SHAP はそれに一致します。LIME は摂動した行に線形モデルを当てはめます。重みは、その特徴量が現在の範囲にあることで加わる量です。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/tabular_page.py" line="58"/>
        <source>The row explained</source>
        <translation>説明する行</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/tabular_page.py" line="78"/>
        <source>{0} — waiting…</source>
        <translation>{0} — 待機中…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/tabular_page.py" line="83"/>
        <source>computing…</source>
        <translation>計算中…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/tabular_page.py" line="83"/>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/tabular_page.py" line="83"/>
        <source>cancelled</source>
        <translation>キャンセル済み</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/tabular_page.py" line="108"/>
        <source>{0} — class {1}</source>
        <translation>{0} — クラス {1}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/tabular_page.py" line="112"/>
        <source>base value {0:.3f} + sum of contributions {1:+.3f} = {2:.3f}; model output {3:.3f}</source>
        <translation>ベース値 {0:.3f} + 寄与の合計 {1:+.3f} = {2:.3f}、モデルの出力 {3:.3f}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/compare/tabular_page.py" line="115"/>
        <source>surrogate intercept {0:.3f}, sum of weights {1:+.3f}; model output {2:.3f}</source>
        <translation>代理モデルの切片 {0:.3f}、重みの合計 {1:+.3f}、モデルの出力 {2:.3f}</translation>
    </message>
</context>
<context>
    <name>TextPanel</name>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="71"/>
        <source>an analogy needs three words: a is to b as c is to ?</source>
        <translation>類推には 3 つの語が必要です：a に対する b は、c に対する何？</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="81"/>
        <source>type a text first</source>
        <translation>先にテキストを入力してください</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="104"/>
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="106"/>
        <source>Open run folder…</source>
        <translation>実行フォルダーを開く…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="109"/>
        <source>Run:</source>
        <translation>実行：</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="136"/>
        <source>0 = greedy (always the likeliest token); higher = more varied</source>
        <translation>0 = 貪欲（常に最も確率の高いトークン）。高いほど多様になります</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="141"/>
        <source>Sample only among the k likeliest tokens (0 = all)</source>
        <translation>確率の高い上位 k 個のトークンからだけサンプリング（0 = すべて）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="144"/>
        <source>The same seed gives the same text</source>
        <translation>同じシードなら同じテキストになります</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="145"/>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="156"/>
        <source>Prompt</source>
        <translation>プロンプト</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="166"/>
        <source>Nearest neighbours</source>
        <translation>近傍語</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="169"/>
        <source>Nearest neighbours (cosine)</source>
        <translation>近傍語（コサイン類似度）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="177"/>
        <source>Solve</source>
        <translation>解く</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="179"/>
        <source>Analogy  a : b :: c : ?</source>
        <translation>類推  a : b :: c : ?</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="188"/>
        <source>The words nearest to v_b − v_a + v_c (a, b, c left out).</source>
        <translation>v_b − v_a + v_c に最も近い語（a、b、c は除く）。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="200"/>
        <source>Run</source>
        <translation>実行</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="262"/>
        <source>{0} is a {1} run, which neither reads nor writes text</source>
        <translation>{0} は {1} の実行で、テキストを読むことも書くこともしません</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="270"/>
        <source>Open a run folder</source>
        <translation>実行フォルダーを開く</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="277"/>
        <source>No text run yet: train gpt, word2vec, bert, transformer or a seq2seq entry (Train tab, or keras-workbench train gpt --data genesis), then pick it here.</source>
        <translation>テキストの実行はまだありません。gpt、word2vec、bert、transformer か seq2seq の項目を学習してから（学習タブ、または keras-workbench train gpt --data genesis）、ここで選んでください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="286"/>
        <source>{0}: type a prompt and generate.</source>
        <translation>{0}：プロンプトを入力して生成してください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="287"/>
        <source>word2vec: type a word for its neighbours, or three for an analogy.</source>
        <translation>word2vec：語を 1 つ入力すると近傍語を、3 つ入力すると類推を求めます。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="288"/>
        <source>{0}: type a text and run it through the model.</source>
        <translation>{0}：テキストを入力してモデルに通してください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="301"/>
        <source>generating…</source>
        <translation>生成中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="307"/>
        <source>generated {0} token(s)</source>
        <translation>{0} トークンを生成しました</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="334"/>
        <source>running…</source>
        <translation>実行中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="349"/>
        <source>input symbol</source>
        <translation>入力記号</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="349"/>
        <source>output symbol</source>
        <translation>出力記号</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="366"/>
        <source>BERT: classify → the verse&apos;s topic; tag → IOB tags of names and places; qa → “QUESTION ||| CONTEXT” (who / where); pretrain → write [MASK] to fill it, “A ||| B” for P(B follows A).</source>
        <translation>BERT：classify → 節の話題、tag → 人名と地名の IOB タグ、qa → “QUESTION ||| CONTEXT”（誰 / どこ）、pretrain → [MASK] と書くとそこを埋め、“A ||| B” で P(B が A に続く)。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/text_panel.py" line="370"/>
        <source>Type a string of digits (1234, or 12+34 for an adder): the decoded output and its attention.</source>
        <translation>数字の列を入力してください（1234、加算器なら 12+34）：デコードした出力と、その注意機構の重みを示します。</translation>
    </message>
</context>
<context>
    <name>ThresholdView</name>
    <message>
        <location filename="../../ui/widgets/detect/threshold_view.py" line="22"/>
        <source>true positives</source>
        <extracomment>The class combo&apos;s item data of &quot;all classes&quot; (a class&apos;s item holds its name). (key, legend, colour) of the three curves (legends translated when drawn).</extracomment>
        <translation>真陽性 (TP)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/threshold_view.py" line="23"/>
        <source>false positives</source>
        <translation>偽陽性 (FP)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/threshold_view.py" line="24"/>
        <source>missed (false negatives)</source>
        <translation>見逃し (偽陰性, FN)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/threshold_view.py" line="34"/>
        <location filename="../../ui/widgets/detect/threshold_view.py" line="87"/>
        <source>Evaluate a detector on the Evaluation page; its TP / FP / FN against the score threshold appear here.</source>
        <translation>評価ページで検出器を評価すると、スコアの閾値に対する TP / FP / FN がここに表示されます。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/threshold_view.py" line="41"/>
        <source>Threshold</source>
        <translation>閾値</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/threshold_view.py" line="41"/>
        <source>TP</source>
        <translation>TP</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/threshold_view.py" line="41"/>
        <source>FP</source>
        <translation>FP</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/threshold_view.py" line="41"/>
        <source>FN</source>
        <translation>FN</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/threshold_view.py" line="42"/>
        <source>Precision</source>
        <translation>適合率</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/threshold_view.py" line="42"/>
        <source>Recall</source>
        <translation>再現率</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/threshold_view.py" line="50"/>
        <source>Class</source>
        <translation>クラス</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/threshold_view.py" line="65"/>
        <source>Objects against the confidence threshold (IoU 0.5)</source>
        <translation>確信度の閾値ごとの物体数 (IoU 0.5)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/threshold_view.py" line="67"/>
        <source>confidence threshold</source>
        <translation>確信度の閾値</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/threshold_view.py" line="69"/>
        <source>count</source>
        <translation>個数</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/threshold_view.py" line="91"/>
        <source>The notes&apos; recipe: detections kept at each confidence threshold, matched at IoU &gt; 0.5 in score order; a second detection of an object already found is a false positive. Its AP is the area under these 19 points (no precision envelope, nothing under 0.05), unlike VOC&apos;s all-point AP over every detection&apos;s score.</source>
        <translation>ノートの手順: 各確信度の閾値で残った検出をスコア順に IoU &gt; 0.5 で照合し、すでに見つかった物体の 2 つ目の検出は偽陽性とします。その AP はこの 19 点の下の面積で (適合率の包絡線なし、0.05 未満なし)、全検出のスコアを使う VOC の全点 AP とは異なります。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/threshold_view.py" line="99"/>
        <source>all classes</source>
        <translation>すべてのクラス</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/threshold_view.py" line="144"/>
        <source>notes&apos; AP {0} · VOC all-point AP {1} · AR (IoU .50:.95) {2}</source>
        <translation>ノートの AP {0} · VOC 全点 AP {1} · AR (IoU .50:.95) {2}</translation>
    </message>
</context>
<context>
    <name>ThroughputView</name>
    <message>
        <location filename="../../ui/widgets/throughput_view.py" line="18"/>
        <source>Timed training steps per device, after 5 warm-up steps</source>
        <translation>デバイスごとに計測する学習ステップ数 (ウォームアップ 5 ステップの後)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/throughput_view.py" line="22"/>
        <source>Measure</source>
        <translation>計測</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/throughput_view.py" line="23"/>
        <source>Train the chosen model on every device for a few steps and time it (the same weights, data and batch size on each)</source>
        <translation>選んだモデルを各デバイスで数ステップ学習して時間を計ります (どのデバイスも同じ重み・データ・バッチサイズ)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/throughput_view.py" line="27"/>
        <source>Steps</source>
        <translation>ステップ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/throughput_view.py" line="29"/>
        <source>Batch</source>
        <translation>バッチ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/throughput_view.py" line="34"/>
        <source>Device</source>
        <translation>デバイス</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/throughput_view.py" line="34"/>
        <source>Samples/s</source>
        <translation>サンプル/秒</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/throughput_view.py" line="34"/>
        <source>Seconds</source>
        <translation>秒</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/throughput_view.py" line="38"/>
        <source>Training speed of the chosen model on each device (CPU, each GPU), side by side.</source>
        <translation>選んだモデルの学習速度を各デバイス (CPU、各 GPU) で並べて比べます。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/throughput_view.py" line="50"/>
        <source>Choose a model in the catalog first.</source>
        <translation>先にカタログでモデルを選んでください。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/throughput_view.py" line="57"/>
        <source>Measuring {0} on {1}: 5 warm-up steps, then {2} timed, on each device…</source>
        <translation>{1} で {0} を計測しています: 各デバイスでウォームアップ 5 ステップの後、{2} ステップを計測…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/throughput_view.py" line="69"/>
        <source>{0} on {1}, batch {2}, {3} timed steps. {4}</source>
        <translation>{0} ({1})、バッチ {2}、計測 {3} ステップ。{4}</translation>
    </message>
</context>
<context>
    <name>TrainPanel</name>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="95"/>
        <source>Random seed for weights, shuffling and the validation split</source>
        <translation>重みの初期化、シャッフル、検証データの分割に使う乱数シード</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="97"/>
        <source>loading TensorFlow…</source>
        <translation>TensorFlow を読み込み中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="102"/>
        <source>one</source>
        <translation>単一</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="102"/>
        <source>one device (the choice above)</source>
        <translation>1 つのデバイス (上で選んだもの)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="103"/>
        <source>one replica per GPU, or per logical CPU device without GPUs</source>
        <translation>GPU ごとに 1 つのレプリカ (GPU がなければ論理 CPU デバイスごと)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="104"/>
        <source>worker processes on this machine, gradients all-reduced</source>
        <translation>このマシン上のワーカープロセス。勾配は all-reduce で集約</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="106"/>
        <source>asynchronous steps on workers, variables on a parameter server</source>
        <translation>ワーカーで非同期に更新し、変数はパラメータサーバーに置く</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="109"/>
        <source>tf.distribute strategy; the global batch stays the batch size above</source>
        <translation>tf.distribute の分散戦略。全体のバッチは上のバッチサイズのままです</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="113"/>
        <source>workers </source>
        <translation>ワーカー </translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="114"/>
        <source>Replicas (mirrored) or worker processes (multi-worker, parameter-server)</source>
        <translation>レプリカ数 (mirrored) またはワーカープロセス数 (multi-worker、parameter-server)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="115"/>
        <source>TensorBoard logs</source>
        <translation>TensorBoard のログ</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="117"/>
        <source>Write the run&apos;s curves as TensorBoard event files into RUN/tensorboard (open them with: tensorboard --logdir RUNS_FOLDER)</source>
        <translation>実行の学習曲線を TensorBoard のイベントファイルとして RUN/tensorboard に書き込みます (開くには: tensorboard --logdir RUNS_FOLDER)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="119"/>
        <source>Start</source>
        <translation>開始</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="120"/>
        <source>Train the model chosen in the Model tab on the data of the Data tab</source>
        <translation>モデル タブで選んだモデルを、データ タブのデータで学習します</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="122"/>
        <location filename="../../ui/panels/train_panel.py" line="216"/>
        <location filename="../../ui/panels/train_panel.py" line="343"/>
        <source>Pause</source>
        <translation>一時停止</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="124"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="125"/>
        <source>Stop after the current batch; the model and the last complete epoch&apos;s resume point are kept</source>
        <translation>現在のバッチの後で停止します。モデルと、最後に完了したエポックの再開ポイントは残ります</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="128"/>
        <source>Resume run…</source>
        <translation>実行を再開…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="129"/>
        <source>Continue a stopped or interrupted run from its run directory</source>
        <translation>停止または中断した実行を、その実行ディレクトリから続けます</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="133"/>
        <source>Epochs</source>
        <translation>エポック数</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="134"/>
        <source>Batch size</source>
        <translation>バッチサイズ</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="135"/>
        <source>Seed</source>
        <translation>シード</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="136"/>
        <source>Device</source>
        <translation>デバイス</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="140"/>
        <source>Strategy</source>
        <translation>分散戦略</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="145"/>
        <source>Choose data and a model, then press Start.</source>
        <translation>データとモデルを選んでから「開始」を押してください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="155"/>
        <source>Run</source>
        <translation>実行</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="172"/>
        <source>What the model shows while it trains (attention maps, samples, embeddings, …) appears here, one tile per view.</source>
        <translation>学習中にモデルが示すもの (アテンションマップ、サンプル、埋め込みなど) が、ビューごとに 1 枚ずつここに表示されます。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="200"/>
        <source>Training: {0}</source>
        <translation>学習: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="248"/>
        <source>TensorFlow is still loading; Start works as soon as the status bar says Ready.</source>
        <translation>TensorFlow を読み込み中です。ステータスバーに「準備完了」と出たら開始できます。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="251"/>
        <source>No data loaded: choose a data set in the Data tab first.</source>
        <translation>データが読み込まれていません。先にデータ タブでデータセットを選んでください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="253"/>
        <source>No model chosen: pick one in the Model tab first.</source>
        <translation>モデルが選ばれていません。先にモデル タブで選んでください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="281"/>
        <source>Starting {0} on {1}…</source>
        <translation>{1} で {0} を開始中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="291"/>
        <source>Resume a run: choose its run directory</source>
        <translation>実行を再開: 実行ディレクトリを選んでください</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="301"/>
        <source>TensorFlow is still loading; try again when the status bar says Ready.</source>
        <translation>TensorFlow を読み込み中です。ステータスバーに「準備完了」と出たらもう一度試してください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="311"/>
        <source>Resuming {0}…</source>
        <translation>{0} を再開中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="319"/>
        <source>starting…</source>
        <translation>開始中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="346"/>
        <source>Continue</source>
        <translation>再開</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="347"/>
        <source>Training: pausing after this batch…</source>
        <translation>学習: このバッチの後で一時停止します…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="358"/>
        <source>Training: {0} before the next batch…</source>
        <translation>学習: 次のバッチの前に {0}…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="367"/>
        <source>Training: {0} from epoch {1}, batch {2}</source>
        <translation>学習: エポック {1}、バッチ {2} から {0}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="372"/>
        <source>Training: stopping after this batch…</source>
        <translation>学習: このバッチの後で停止します…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="383"/>
        <source>epoch {0}/{1} · starting…</source>
        <translation>エポック {0}/{1} · 開始中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="387"/>
        <source>&lt;b&gt;{0}&lt;/b&gt; on &lt;b&gt;{1}&lt;/b&gt; on {2} · {3:,} parameters&lt;br&gt;&lt;span style=&apos;color:{4}&apos;&gt;run directory: {5}&lt;/span&gt;</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt; を &lt;b&gt;{1}&lt;/b&gt; で学習 ({2}) · パラメータ {3:,} 個&lt;br&gt;&lt;span style=&apos;color:{4}&apos;&gt;実行ディレクトリ: {5}&lt;/span&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="402"/>
        <source>epoch {0}/{1} · batch {2}/{3} · loss {4:.4f} · ETA {5}</source>
        <translation>エポック {0}/{1} · バッチ {2}/{3} · 損失 {4:.4f} · 残り {5}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="404"/>
        <source>epoch {0}/{1} · batch {2}/{3} · ETA {5}</source>
        <translation>エポック {0}/{1} · バッチ {2}/{3} · 残り {5}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="410"/>
        <source>Epoch {0}/{1}: {2}</source>
        <translation>エポック {0}/{1}: {2}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="418"/>
        <source>Stopped after {0} epoch(s); model saved; the last complete epoch is kept as a resume point (Resume run…).</source>
        <translation>{0} エポックで停止しました。モデルを保存し、最後に完了したエポックを再開ポイントとして残しました (実行を再開…)。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="420"/>
        <source>Stopped after {0} epoch(s); model saved; no epoch was complete, so Resume would start over.</source>
        <translation>{0} エポックで停止しました。モデルを保存しました。完了したエポックがないため、再開すると最初からになります。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="422"/>
        <source>stopped after epoch {0}/{1}</source>
        <translation>エポック {0}/{1} で停止</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="424"/>
        <source>Early stopping after {0} epochs: {1}.</source>
        <translation>{0} エポックで早期終了: {1}。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="425"/>
        <source>early stopping after epoch {0}/{1}</source>
        <translation>エポック {0}/{1} で早期終了</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="427"/>
        <source>Finished {0} epochs: {1}.</source>
        <translation>{0} エポック完了: {1}。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="428"/>
        <source>finished {0}/{1} epochs</source>
        <translation>{0}/{1} エポック完了</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="432"/>
        <source>no Keras model (a tabular agent: its table is in the run directory)</source>
        <translation>Keras モデルなし (表形式のエージェント: 表は実行ディレクトリにあります)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="433"/>
        <source>{0}&lt;br&gt;&lt;span style=&apos;color:{1}&apos;&gt;model: {2}&lt;/span&gt;</source>
        <translation>{0}&lt;br&gt;&lt;span style=&apos;color:{1}&apos;&gt;モデル: {2}&lt;/span&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="441"/>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <location filename="../../ui/panels/train_panel.py" line="442"/>
        <source>&lt;span style=&apos;color:#b03000&apos;&gt;Run failed: {0}&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:#b03000&apos;&gt;実行に失敗しました: {0}&lt;/span&gt;</translation>
    </message>
</context>
<context>
    <name>VariantsTable</name>
    <message>
        <location filename="../../ui/widgets/export/variants_table.py" line="11"/>
        <source>Variant</source>
        <extracomment>Headers in the window&apos;s language, by the titles of ``workbench.export.verify.TABLE_COLUMNS``.</extracomment>
        <translation>派生版</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/export/variants_table.py" line="11"/>
        <source>Size</source>
        <translation>サイズ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/export/variants_table.py" line="12"/>
        <source>Gzip</source>
        <translation>gzip</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/export/variants_table.py" line="13"/>
        <source>Ms/sample</source>
        <translation>ms/サンプル</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/export/variants_table.py" line="14"/>
        <source>Accuracy</source>
        <translation>精度</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/export/variants_table.py" line="15"/>
        <source>Agreement</source>
        <translation>一致率</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/export/variants_table.py" line="34"/>
        <source>Every export and compressed variant of this run, checked on the same validation samples as the original</source>
        <translation>この実行のすべての書き出しと圧縮した派生版。元と同じ検証サンプルで確認しています</translation>
    </message>
</context>
<context>
    <name>VideoView</name>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="103"/>
        <source>Open video…</source>
        <extracomment>The detect panel&apos;s model kinds -&gt; ``FrameAnnotator`` modes (a classifier: Grad-CAM). Small videos are enlarged by a whole factor up to about this side, so labels are legible. The open dialog&apos;s video patterns (the description is translated where the filter is built).</extracomment>
        <translation>動画を開く…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="104"/>
        <source>A video file (.mp4, .avi, .mov, …) read with OpenCV</source>
        <translation>OpenCV で読む動画ファイル (.mp4、.avi、.mov など)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="106"/>
        <source>Camera</source>
        <translation>カメラ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="107"/>
        <source>Use the first camera that opens</source>
        <translation>最初に開けたカメラを使います</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="109"/>
        <source>No video</source>
        <translation>動画なし</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="111"/>
        <source>Open a video file: each frame is run through the model as it plays.</source>
        <translation>動画ファイルを開いてください: 再生中に各フレームをモデルに通します。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="112"/>
        <location filename="../../ui/widgets/detect/video_view.py" line="163"/>
        <source>▶ Play</source>
        <translation>▶ 再生</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="113"/>
        <source>Play from the frame shown / pause</source>
        <translation>表示中のフレームから再生 / 一時停止</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="116"/>
        <source>Seek: the frame under the handle is run through the model</source>
        <translation>シーク: つまみの位置のフレームをモデルに通します</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="118"/>
        <source>frame {0} / {1}</source>
        <translation>フレーム {0} / {1}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="125"/>
        <source>network on 1 frame in </source>
        <translation>推論間隔 (フレーム): </translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="126"/>
        <source>Saving: frames between those run show the latest result (faster on long videos)</source>
        <translation>保存時: 推論しないフレームには直前の結果を描きます (長い動画で速くなります)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="128"/>
        <source>Save annotated video…</source>
        <translation>注釈付き動画を保存…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="130"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="163"/>
        <source>❚❚ Pause</source>
        <translation>❚❚ 一時停止</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="175"/>
        <source>Open video</source>
        <translation>動画を開く</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="176"/>
        <source>Videos ({0})</source>
        <translation>動画 ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="176"/>
        <source>All files ({0})</source>
        <translation>すべてのファイル ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="184"/>
        <source>Opening {0}…</source>
        <translation>{0} を開いています…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="204"/>
        <source>&lt;b&gt;{0}&lt;/b&gt; · {1}×{2} · {3:.1f} FPS</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt; · {1}×{2} · {3:.1f} FPS</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="205"/>
        <source>&lt;b&gt;{0}&lt;/b&gt; · {1}×{2} · {3:.1f} FPS · {4} frames</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt; · {1}×{2} · {3:.1f} FPS · {4} フレーム</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="251"/>
        <source>Frames shown without the model: {0}</source>
        <translation>モデルなしでフレームを表示しています: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="278"/>
        <source>live</source>
        <translation>ライブ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="280"/>
        <source>frame {0} / {1} · {2:5.1f} s</source>
        <translation>フレーム {0} / {1} · {2:5.1f} 秒</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="282"/>
        <source>Processing: &lt;b&gt;{0:.1f} FPS&lt;/b&gt; ({1:.1f} ms a frame: network + drawing) · the video runs at {2:.1f} FPS</source>
        <translation>処理速度: &lt;b&gt;{0:.1f} FPS&lt;/b&gt; (1 フレーム {1:.1f} ms: ネットワーク + 描画) · 動画は {2:.1f} FPS</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="286"/>
        <source>No model: plain frames (train or open a detector, a segmenter or an image classifier for Grad-CAM)</source>
        <translation>モデルなし: フレームをそのまま表示 (検出器、セグメンテーションモデル、または Grad-CAM 用の画像分類器を学習するか開いてください)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="323"/>
        <source>Save annotated video</source>
        <translation>注釈付き動画を保存</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="324"/>
        <source>MPEG-4 video ({0})</source>
        <translation>MPEG-4 動画 ({0})</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="340"/>
        <source>Choose a model first: saving writes the model&apos;s boxes, class maps or Grad-CAM over every frame.</source>
        <translation>先にモデルを選んでください: 保存では全フレームにモデルのボックス、クラスマップ、または Grad-CAM を描きます。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="362"/>
        <source>{0} / {1} frames</source>
        <translation>{0} / {1} フレーム</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="367"/>
        <source>Saving cancelled; nothing was written.</source>
        <translation>保存をキャンセルしました。何も書き出していません。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="370"/>
        <source>Saved {0} frames ({1} through the network, {2:.1f} FPS) to {3}</source>
        <translation>{0} フレーム (うち {1} フレームを推論、{2:.1f} FPS) を {3} に保存しました</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="372"/>
        <source>Saved the annotated video {0}</source>
        <translation>注釈付き動画 {0} を保存しました</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="412"/>
        <source>{0} detection(s)</source>
        <translation>検出 {0} 件</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/detect/video_view.py" line="416"/>
        <source>Grad-CAM of {0} (p={1:.2f})</source>
        <translation>{0} の Grad-CAM (p={1:.2f})</translation>
    </message>
</context>
<context>
    <name>ViewGallery</name>
    <message>
        <location filename="../../ui/widgets/views/gallery.py" line="35"/>
        <source>curves</source>
        <extracomment>A tile changes at most this often (seconds): a view sent every batch would otherwise repaint its plot thirty times a second, tens of milliseconds each while training competes for the CPU. The newest value waiting is the one shown. Event-loop time between two tiles&apos; updates (milliseconds), so that the probe of lateness, a timer or a click, gets its turn between two paints. Width a tile wants; the gallery puts as many side by side as fit. How each kind of view reads (the kinds are ``workbench.views.types``&apos; names; &quot;damaged&quot;: a stored view whose files cannot be read).</extracomment>
        <translation>曲線</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/gallery.py" line="36"/>
        <source>heatgrid</source>
        <translation>ヒートマップ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/gallery.py" line="37"/>
        <source>imagegrid</source>
        <translation>画像グリッド</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/gallery.py" line="38"/>
        <source>scatter</source>
        <translation>散布図</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/gallery.py" line="39"/>
        <source>graph</source>
        <translation>グラフ</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/gallery.py" line="40"/>
        <source>text</source>
        <translation>テキスト</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/gallery.py" line="41"/>
        <source>audio</source>
        <translation>音声</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/gallery.py" line="42"/>
        <source>damaged</source>
        <translation>破損</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/gallery.py" line="64"/>
        <source>epoch {0}</source>
        <translation>エポック {0}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/gallery.py" line="152"/>
        <source>Views appear here when the run shows them.</source>
        <translation>ランがビューを出すと、ここに表示されます。</translation>
    </message>
</context>
<context>
    <name>ViewRenderers</name>
    <message>
        <location filename="../../ui/widgets/views/common.py" line="31"/>
        <source>unlabelled</source>
        <extracomment>Tableau 10, reused in order past ten classes. Points without a label. The worker lane of view computations (t-SNE, graph layout): one at a time, and a newer request of the same widget drops the older one still waiting.</extracomment>
        <translation>ラベルなし</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/views/common.py" line="32"/>
        <source>class {0}</source>
        <translation>クラス {0}</translation>
    </message>
</context>
<context>
    <name>ViewTile</name>
    <message>
        <location filename="../../ui/widgets/views/gallery.py" line="83"/>
        <source>Open this view in a large window (it keeps updating)</source>
        <translation>このビューを大きなウィンドウで開きます (更新は続きます)</translation>
    </message>
</context>
<context>
    <name>WindowMemory</name>
    <message>
        <location filename="../../ui/window_memory.py" line="13"/>
        <source>Data sets</source>
        <extracomment>The headings of File → Open recent&apos;s sections.</extracomment>
        <translation>データセット</translation>
    </message>
    <message>
        <location filename="../../ui/window_memory.py" line="14"/>
        <source>Models</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location filename="../../ui/window_memory.py" line="15"/>
        <source>Runs</source>
        <translation>実行履歴</translation>
    </message>
    <message>
        <location filename="../../ui/window_memory.py" line="80"/>
        <source>(nothing yet)</source>
        <translation>(まだありません)</translation>
    </message>
    <message>
        <location filename="../../ui/window_memory.py" line="83"/>
        <source>Clear the list</source>
        <translation>一覧を消去</translation>
    </message>
    <message>
        <location filename="../../ui/window_memory.py" line="94"/>
        <source>{0} is no longer there: it was moved or deleted.</source>
        <translation>{0} はもうありません。移動または削除されています。</translation>
    </message>
</context>
<context>
    <name>WordTable</name>
    <message>
        <location filename="../../ui/widgets/text/results.py" line="45"/>
        <source>Word</source>
        <translation>語</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/text/results.py" line="45"/>
        <source>Cosine</source>
        <translation>コサイン</translation>
    </message>
</context>
<context>
    <name>XaiPanel</name>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="94"/>
        <location filename="../../ui/panels/xai_panel.py" line="217"/>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="104"/>
        <source>Open image…</source>
        <translation>画像を開く…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="105"/>
        <source>Or drop an image file anywhere on the window</source>
        <translation>またはウィンドウのどこかに画像ファイルをドロップ</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="109"/>
        <source>The feature map the method looks at (default: the last one)</source>
        <translation>手法が見る特徴マップ（既定：最後のもの）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="112"/>
        <source>The class whose evidence is shown</source>
        <translation>根拠を表示するクラス</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="119"/>
        <source>LIME&apos;s kernel width σ: samples z weigh π(z) = exp(−D(x, z)²/σ²), D the cosine distance of z&apos;s regions to the full image. Smaller σ: a more local surrogate</source>
        <translation>LIME のカーネル幅 σ：サンプル z の重みは π(z) = exp(−D(x, z)²/σ²)。D は z の領域と元画像全体とのコサイン距離。σ が小さいほど局所的な代理モデルになります</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="124"/>
        <location filename="../../ui/panels/xai_panel.py" line="147"/>
        <source>Explain</source>
        <translation>説明</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="135"/>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="136"/>
        <source>Method</source>
        <translation>手法</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="137"/>
        <source>Image</source>
        <translation>画像</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="139"/>
        <source>Layer</source>
        <translation>層</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="140"/>
        <location filename="../../ui/panels/xai_panel.py" line="159"/>
        <source>Class</source>
        <translation>クラス</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="141"/>
        <source>Kernel width σ</source>
        <translation>カーネル幅 σ</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="144"/>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="145"/>
        <source>Colormap</source>
        <translation>カラーマップ</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="154"/>
        <source>The image to explain appears here.</source>
        <translation>説明する画像がここに表示されます。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="155"/>
        <source>The explanation appears here.</source>
        <translation>説明がここに表示されます。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="159"/>
        <source>Probability</source>
        <translation>確率</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="163"/>
        <source>Double-click a class to explain it instead</source>
        <translation>クラスをダブルクリックすると、そのクラスを説明します</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="172"/>
        <source>Top {0} classes</source>
        <translation>上位 {0} クラス</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="195"/>
        <source>No model yet: train one in the Train tab, or open a .keras file (File ▸ Open model…). Then pick a sample, or drop an image on the window.</source>
        <translation>モデルがまだありません。学習タブで学習するか、.keras ファイルを開いてください（ファイル ▸ モデルを開く…）。その後サンプルを選ぶか、ウィンドウに画像をドロップしてください。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="199"/>
        <source>Inspecting the model…</source>
        <translation>モデルを調べています…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="201"/>
        <source>This model cannot be explained here: {0}</source>
        <translation>このモデルはここでは説明できません：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="222"/>
        <source>{0} (trained: {1})</source>
        <translation>{0}（学習済み：{1}）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="224"/>
        <source>{0} (file: {1})</source>
        <translation>{0}（ファイル：{1}）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="234"/>
        <source>&lt;span style=&apos;color:#b03000&apos;&gt;{0}&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:#b03000&apos;&gt;{0}&lt;/span&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="245"/>
        <source>predicted class</source>
        <translation>予測クラス</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="310"/>
        <source>validation #{0} · true: {1}</source>
        <translation>検証 #{0} · 正解：{1}</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="330"/>
        <source>Computing {0}…</source>
        <translation>{0} を計算中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="349"/>
        <source>  ◀ explained</source>
        <translation>  ◀ 説明中</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="357"/>
        <source>Predicted &lt;b&gt;{0}&lt;/b&gt; ({1:.1%}) · showing evidence for &lt;b&gt;{2}&lt;/b&gt; · {3} at layer {5} in {4:.2f} s</source>
        <translation>予測 &lt;b&gt;{0}&lt;/b&gt;（{1:.1%}） · &lt;b&gt;{2}&lt;/b&gt; の根拠を表示 · {3}、層 {5}、{4:.2f} 秒</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="360"/>
        <source>Predicted &lt;b&gt;{0}&lt;/b&gt; ({1:.1%}) · showing evidence for &lt;b&gt;{2}&lt;/b&gt; · {3} in {4:.2f} s</source>
        <translation>予測 &lt;b&gt;{0}&lt;/b&gt;（{1:.1%}） · &lt;b&gt;{2}&lt;/b&gt; の根拠を表示 · {3}、{4:.2f} 秒</translation>
    </message>
    <message>
        <location filename="../../ui/panels/xai_panel.py" line="385"/>
        <source>{0} · opacity {1}%</source>
        <translation>{0} · 不透明度 {1}%</translation>
    </message>
</context>
<context>
    <name>actions</name>
    <message>
        <location filename="../../ui/actions.py" line="24"/>
        <source>TensorFlow is still loading; open the model again when the status bar says Ready.</source>
        <translation>TensorFlow を読み込み中です。ステータスバーに「準備完了」と出たら、もう一度モデルを開いてください。</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="27"/>
        <source>Loading {0}…</source>
        <translation>{0} を読み込み中…</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="32"/>
        <source>Opened model {0}: {1:,} parameters</source>
        <translation>モデル {0} を開きました: パラメータ {1:,} 個</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <location filename="../../ui/app.py" line="59"/>
        <source>Loading TensorFlow…</source>
        <extracomment>The folder that holds ``resources/``: the source tree, or a PyInstaller bundle&apos;s own folder (where this file, the bundle&apos;s entry script, is not inside ``ui/``).</extracomment>
        <translation>TensorFlow を読み込み中…</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="61"/>
        <source>TensorFlow could not be loaded: {0}</source>
        <translation>TensorFlow を読み込めませんでした: {0}</translation>
    </message>
</context>
<context>
    <name>i18n</name>
    <message>
        <location filename="../../ui/i18n.py" line="82"/>
        <source>The {0} translation could not be loaded ({1}): the window stays in English.</source>
        <extracomment>The languages offered (code → name in that language, as the Preferences list them). The language the source texts are written in: it needs no translation file. The folder that holds ``resources/``: the source tree, or a PyInstaller bundle&apos;s own folder.</extracomment>
        <translation>{0} の翻訳を読み込めませんでした ({1})。ウィンドウは英語のままです。</translation>
    </message>
</context>
<context>
    <name>theme</name>
    <message>
        <location filename="../../ui/theme.py" line="23"/>
        <source>Light</source>
        <extracomment>The theme in force (``apply`` sets it); plots made later read it. The themes&apos; names as the Preferences show them (``display_name``).</extracomment>
        <translation>ライト</translation>
    </message>
    <message>
        <location filename="../../ui/theme.py" line="23"/>
        <source>Dark</source>
        <translation>ダーク</translation>
    </message>
</context>
</TS>
