#!/usr/bin/python3
"""Writes the shipped network topologies of configs/networks/ from the published
architectures (each file cites its source). Run from anywhere:

    /usr/bin/python3 configs/networks/generate.py

YAML topologies (qmac's form, with padding, groups and the data model per layer)
and, for the convolutional networks, the same layers in SCALE-Sim v2's CSV
convention (scalesim/*.csv: no padding -- the ifmap is written padded -- and
SCALE-Sim's rounding; depthwise rows named *DP*) for comparing cycles with it.

Data model (README "Networks"), every tensor seeded per layer by qmac:
  - weights (B): Gaussian, per-output-channel scales;
  - CNN activations (A): Gaussian, one scale per tensor;
  - transformer activations: Gaussian, except the inputs the literature finds
    outliers in -- the LayerNorm outputs feeding the Q/K/V and FFN-up
    projections, and the FFN-down input -- which carry a few outlier feature
    channels of large magnitude (Bondarenko et al. 2021, "Understanding and
    overcoming the challenges of efficient transformer quantization", EMNLP,
    sec. 3 and Fig. 1: a handful of embedding dimensions hold values tens of
    times larger than the rest; Dettmers et al. 2022, "LLM.int8()", sec. 3-4:
    outlier feature dimensions, a few per layer, systematic across tokens).
    Modelled as `outliers`: N(0, 1) with OUTLIER_FRACTION of the channels (the
    columns of A: hidden features) scaled by OUTLIER_MAGNITUDE;
  - softmax probabilities (A of the attention-context GEMM): uniform on [0, 1)
    -- a crude stand-in (real attention rows are peakier); the scale is
    irrelevant, quantisation scales adapt to it.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))

OUTLIER_FRACTION = 0.0078  # 6 of 768 hidden features (Bondarenko et al. report a handful of dimensions)
OUTLIER_MAGNITUDE = 20     # "tens of times" the typical magnitude (ibid.; Dettmers et al. 2022)

GAUSS = "{distribution: normal, mean: 0, std: 1}"
OUTLIERS = "{distribution: outliers, std: 1, fraction: %g, magnitude: %g}" % (OUTLIER_FRACTION, OUTLIER_MAGNITUDE)
SOFTMAX = "{distribution: uniform, low: 0, high: 1}"

# The data model of every layer (a layer's own `data` replaces it per tensor); how
# tensors are quantised is the run's config (configs/examples/network_base.yaml for the findings).
CNN_DATA = """data:
  a: %s   # activations: Gaussian
  b: %s   # weights: Gaussian
""" % (GAUSS, GAUSS)


def conv(name, hw, cin, f, cout, stride=1, pad=None, groups=1, note=None):
    pad = (f // 2) if pad is None else pad
    line = "  - name: %s\n    conv: {ifmap: %d, channels: %d, filter: %d, filters: %d, stride: %d, padding: %d}\n" % (
        name, hw, cin, f, cout, stride, pad)
    if groups > 1:
        line += "    groups: %d\n" % groups
    if note:
        line = "  # %s\n" % note + line
    return line, (name, hw + 2 * pad, cin, f, cout, stride, groups)


def gemm(name, m, k, n, groups=1, repeat=1, a=None, b_per_tensor=False, note=None):
    s = ""
    if note:
        s += "  # %s\n" % note
    s += "  - name: %s\n    gemm: {m: %d, k: %d, n: %d}\n" % (name, m, k, n)
    if groups > 1:
        s += "    groups: %d\n" % groups
    if repeat > 1:
        s += "    repeat: %d\n" % repeat
    if a:
        s += "    data: {a: %s}\n" % a
    if b_per_tensor:  # B is an activation here too: one scale for the tensor, like A
        s += "    set: {workload.b.quantization.granularity: per_tensor}\n"
    return s


def write(name, header, body):
    with open(os.path.join(HERE, name), "w") as f:
        f.write(header + "layers:\n" + "".join(body))


def write_scalesim(name, rows):
    os.makedirs(os.path.join(HERE, "scalesim"), exist_ok=True)
    with open(os.path.join(HERE, "scalesim", name), "w") as f:
        f.write("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n")
        for (n, hw, cin, k, cout, s, groups) in rows:
            if groups > 1:  # SCALE-Sim: a *DP* row is `Channels` convolutions of one channel each
                f.write("%sDP,%d,%d,%d,%d,%d,%d,%d,\n" % (n, hw, hw, k, k, cin, cout // groups, s))
            else:
                f.write("%s,%d,%d,%d,%d,%d,%d,%d,\n" % (n, hw, hw, k, k, cin, cout, s))


def write_scalesim_gemm(name, rows):
    # SCALE-Sim's GEMM CSV: Layer, M, N, K (N the output columns, K the reduction).
    os.makedirs(os.path.join(HERE, "scalesim"), exist_ok=True)
    with open(os.path.join(HERE, "scalesim", name), "w") as f:
        f.write("Layer, M, N, K,\n")
        for (n, m, k, cols) in rows:
            f.write("%s,%d,%d,%d,\n" % (n, m, cols, k))


def resnet(depth):
    # He, Zhang, Ren, Sun, "Deep residual learning for image recognition", CVPR 2016, Table 1.
    # conv1 7x7/2 pad 3, 3x3/2 max pool (no MACs), stages conv2_x..conv5_x; downsampling by
    # conv3_1, conv4_1, conv5_1 with stride 2 (sec. 3.3; in the bottleneck the stride is on the
    # first 1x1, as in the authors' released Caffe models); projection shortcuts (option B:
    # 1x1 convs) where the shape changes; 7x7 average pool and a 1000-way fc.
    body, rows = [], []
    l, r = conv("conv1", 224, 3, 7, 64, stride=2, pad=3)
    body.append(l), rows.append(r)
    hw, cin = 56, 64
    blocks = {18: [2, 2, 2, 2], 50: [3, 4, 6, 3]}[depth]
    for stage, (n, width) in enumerate(zip(blocks, [64, 128, 256, 512])):
        for i in range(n):
            s = 2 if (i == 0 and stage > 0) else 1
            pre = "conv%d_%d" % (stage + 2, i + 1)
            if depth == 18:
                out = width
                for a, b in [conv(pre + "a", hw, cin, 3, width, stride=s), conv(pre + "b", hw // s, width, 3, width)]:
                    body.append(a), rows.append(b)
            else:
                out = 4 * width
                for a, b in [conv(pre + "a", hw, cin, 1, width, stride=s), conv(pre + "b", hw // s, width, 3, width),
                             conv(pre + "c", hw // s, width, 1, out)]:
                    body.append(a), rows.append(b)
            if s != 1 or cin != out:
                a, b = conv(pre + "_proj", hw, cin, 1, out, stride=s)
                body.append(a), rows.append(b)
            hw, cin = hw // s, out
    body.append(gemm("fc", 1, cin, 1000, note="after the 7x7 average pool: one 1 x %d feature vector" % cin))
    header = ("# ResNet-%d convolution layers (and the fc), batch 1, 224 x 224 x 3 input.\n"
              "# Shapes: He et al., \"Deep residual learning for image recognition\", CVPR 2016, Table 1\n"
              "# (generated by configs/networks/generate.py; pooling layers have no MACs).\n"
              "name: resnet%d\nsource: \"He et al. 2016, Table 1 (%d-layer)\"\n" % (depth, depth, depth)) + CNN_DATA
    write("resnet%d.yaml" % depth, header, body)
    write_scalesim("resnet%d.csv" % depth, rows)


def mobilenet_v2():
    # Sandler, Howard, Zhu, Zhmoginov, Chen, "MobileNetV2: inverted residuals and linear
    # bottlenecks", CVPR 2018, Table 2 (224 x 224, width 1.0) and Table 1 (the bottleneck:
    # 1x1 expansion by t, 3x3 depthwise with stride s, 1x1 linear projection; t = 1 has no
    # expansion layer, as in the authors' implementation).
    body, rows = [], []
    l, r = conv("conv1", 224, 3, 3, 32, stride=2, pad=1)
    body.append(l), rows.append(r)
    hw, cin = 112, 32
    for b, (t, c, n, s) in enumerate([(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                                      (6, 160, 3, 2), (6, 320, 1, 1)]):
        for i in range(n):
            st = s if i == 0 else 1
            pre = "block%d_%d" % (b + 1, i + 1)
            mid = cin * t
            if t != 1:
                a, r = conv(pre + "_expand", hw, cin, 1, mid)
                body.append(a), rows.append(r)
            a, r = conv(pre + "_dw", hw, mid, 3, mid, stride=st, pad=1, groups=mid,
                        note="depthwise: %d GEMMs, one per channel" % mid)
            body.append(a), rows.append(r)
            hw //= st
            a, r = conv(pre + "_project", hw, mid, 1, c)
            body.append(a), rows.append(r)
            cin = c
    a, r = conv("conv_last", hw, cin, 1, 1280)
    body.append(a), rows.append(r)
    body.append(gemm("classifier", 1, 1280, 1000, note="after the 7x7 average pool"))
    header = ("# MobileNet-v2 (width 1.0, 224 x 224 x 3), batch 1, with depthwise convolutions.\n"
              "# Shapes: Sandler et al., \"MobileNetV2\", CVPR 2018, Tables 1 and 2\n"
              "# (generated by configs/networks/generate.py).\n"
              "name: mobilenet_v2\nsource: \"Sandler et al. 2018, Table 2\"\n") + CNN_DATA
    write("mobilenet_v2.yaml", header, body)
    write_scalesim("mobilenet_v2.csv", rows)


def encoder_block(seq, d, heads, ffn, repeat, prefix=""):
    # One pre-/post-LN transformer block's GEMMs (Vaswani et al. 2017): Q, K, V projections
    # of the LayerNorm output, attention scores Q K^T and context P V per head, the output
    # projection, and the FFN's up and down projections.
    dh = d // heads
    p = prefix
    out = [
        gemm(p + "attn.q", seq, d, d, repeat=repeat, a=OUTLIERS,
             note="Q/K/V read the LayerNorm output: outlier feature channels (Bondarenko et al. 2021)"),
        gemm(p + "attn.k", seq, d, d, repeat=repeat, a=OUTLIERS),
        gemm(p + "attn.v", seq, d, d, repeat=repeat, a=OUTLIERS),
        gemm(p + "attn.scores", seq, dh, seq, groups=heads, repeat=repeat, a=GAUSS, b_per_tensor=True,
             note="Q_h K_h^T per head: both operands are activations (B = K^T)"),
        gemm(p + "attn.context", seq, seq, dh, groups=heads, repeat=repeat, a=SOFTMAX, b_per_tensor=True,
             note="P_h V_h per head: A is the softmax output"),
        gemm(p + "attn.out", seq, d, d, repeat=repeat, a=GAUSS),
        gemm(p + "ffn.up", seq, d, ffn, repeat=repeat, a=OUTLIERS,
             note="FFN-up reads the second LayerNorm's output: outlier channels"),
        gemm(p + "ffn.down", seq, ffn, d, repeat=repeat, a=OUTLIERS,
             note="FFN-down input: outlier channels (Bondarenko et al. 2021, sec. 3)"),
    ]
    return out


TRANSFORMER_DATA = """data:
  a: %s   # activations: Gaussian unless a layer's `data` says otherwise
  b: %s   # weights: Gaussian
""" % (GAUSS, GAUSS)


def bert_base():
    # Devlin et al., "BERT: pre-training of deep bidirectional transformers", NAACL 2019,
    # sec. 3: BERT-base L = 12, H = 768, A = 12 heads, FFN 4H = 3072. Sequence length 128.
    header = ("# BERT-base encoder at sequence length 128: one encoder layer's GEMMs, repeat: 12 (L = 12).\n"
              "# Shapes: Devlin et al., \"BERT\", NAACL 2019, sec. 3 (H = 768, A = 12, FFN 3072)\n"
              "# (generated by configs/networks/generate.py). Embedding lookups and the pooler: no GEMMs here.\n"
              "name: bert_base_seq128\nsource: \"Devlin et al. 2019, BERT-base\"\n") + TRANSFORMER_DATA
    write("bert_base.yaml", header, encoder_block(128, 768, 12, 3072, 12))
    # One encoder layer as SCALE-Sim GEMM rows (a row per head for the attention GEMMs).
    rows = [("attn.q", 128, 768, 768), ("attn.k", 128, 768, 768), ("attn.v", 128, 768, 768)]
    rows += [("attn.scores.h%d" % h, 128, 64, 128) for h in range(12)]
    rows += [("attn.context.h%d" % h, 128, 128, 64) for h in range(12)]
    rows += [("attn.out", 128, 768, 768), ("ffn.up", 128, 768, 3072), ("ffn.down", 128, 3072, 768)]
    write_scalesim_gemm("bert_base_layer.csv", rows)


def gpt2():
    # Radford et al., "Language models are unsupervised multitask learners", 2019, Table 2 and
    # sec. 2.3: the smallest model (117M in the paper, 124M as released): 12 layers, d_model 768,
    # 12 heads, FFN 3072, vocabulary 50257. A 256-token prompt (prefill); the LM head for the
    # last token only (what generation needs).
    header = ("# GPT-2 small, a 256-token prompt (prefill): one decoder block's GEMMs, repeat: 12, and the\n"
              "# LM head for the last token. Shapes: Radford et al. 2019, Table 2 (12 layers, d_model 768,\n"
              "# 12 heads, FFN 3072, vocabulary 50257) (generated by configs/networks/generate.py).\n"
              "# Causal masking is not exploited: the full 256 x 256 score GEMMs are computed.\n"
              "name: gpt2_small_seq256\nsource: \"Radford et al. 2019, GPT-2 small\"\n") + TRANSFORMER_DATA
    body = encoder_block(256, 768, 12, 3072, 12)
    body.append(gemm("lm_head", 1, 768, 50257, a=OUTLIERS,
                     note="the final LayerNorm's output for the last token, times the tied embedding"))
    write("gpt2.yaml", header, body)


def vit_b16():
    # Dosovitskiy et al., "An image is worth 16x16 words", ICLR 2021, Table 1: ViT-Base, 12
    # layers, hidden 768, MLP 3072, 12 heads, patch 16; 224 x 224 input -> 196 patches + the
    # class token = 197 tokens.
    header = ("# ViT-B/16 at 224 x 224: the patch embedding (a 16x16/16 convolution), one encoder block's\n"
              "# GEMMs, repeat: 12, and the classification head. Shapes: Dosovitskiy et al., ICLR 2021,\n"
              "# Table 1 (generated by configs/networks/generate.py).\n"
              "name: vit_b16\nsource: \"Dosovitskiy et al. 2021, ViT-Base/16\"\n") + TRANSFORMER_DATA
    patch, _ = conv("patch_embed", 224, 3, 16, 768, stride=16, pad=0,
                    note="16 x 16 patches, stride 16: 196 x 768 x 768 (the class token is not a GEMM row)")
    body = [patch]
    body += encoder_block(197, 768, 12, 3072, 12)
    body.append(gemm("head", 1, 768, 1000, a=GAUSS, note="the class token after the final LayerNorm"))
    write("vit_b16.yaml", header, body)


if __name__ == "__main__":
    resnet(18)
    resnet(50)
    mobilenet_v2()
    bert_base()
    gpt2()
    vit_b16()
