"""PyTorch twins of ember::models (ember/models/): the same layers in the same order, so their
state_dicts have ember's names and shapes. Used by torch_train.py (accuracy and speed peers) and
tools/gen_fixtures.py (torch_resnet.safetensors)."""
import torch
from torch import nn


def conv(ni, nf, ks, stride):
    return nn.Conv2d(ni, nf, ks, stride=stride, padding=ks // 2, bias=False)


class BasicBlock(nn.Module):
    def __init__(self, ni, nf, stride=1):
        super().__init__()
        self.conv1, self.bn1 = conv(ni, nf, 3, stride), nn.BatchNorm2d(nf)
        self.conv2, self.bn2 = conv(nf, nf, 3, 1), nn.BatchNorm2d(nf)
        self.shortcut = nn.Sequential(conv(ni, nf, 1, stride), nn.BatchNorm2d(nf)) if stride != 1 or ni != nf else None

    def forward(self, x):
        out = self.bn2(self.conv2(self.bn1(self.conv1(x)).relu()))
        return (out + (self.shortcut(x) if self.shortcut is not None else x)).relu()


class ResNet(nn.Module):
    """ember::models::ResNet: ResNet-20 for blocks=3."""

    def __init__(self, blocks=3, c_in=1, classes=10, widths=(16, 32, 64)):
        super().__init__()
        self.conv1, self.bn1 = conv(c_in, widths[0], 3, 1), nn.BatchNorm2d(widths[0])
        width = widths[0]
        for stage, out in enumerate(widths):
            layers = []
            for b in range(blocks):
                layers.append(BasicBlock(width, out, 2 if b == 0 and stage > 0 else 1))
                width = out
            setattr(self, f"layer{stage + 1}", nn.Sequential(*layers))
        self.n_stages = len(widths)
        self.fc = nn.Linear(width, classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")

    def forward(self, x):
        h = self.bn1(self.conv1(x)).relu()
        for stage in range(self.n_stages):
            h = getattr(self, f"layer{stage + 1}")(h)
        return self.fc(h.mean((2, 3)))


def conv_layer(ni, nf, ks=3, stride=1, zero_bn=False, act=True):
    bn = nn.BatchNorm2d(nf)
    nn.init.constant_(bn.weight, 0.0 if zero_bn else 1.0)
    layers = [conv(ni, nf, ks, stride), bn]
    if act:
        layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class ResBlock(nn.Module):
    def __init__(self, expansion, ni, nh, stride=1):
        super().__init__()
        nf, ni = nh * expansion, ni * expansion
        if expansion == 1:
            layers = [conv_layer(ni, nh, 3, stride), conv_layer(nh, nf, 3, zero_bn=True, act=False)]
        else:
            layers = [conv_layer(ni, nh, 1), conv_layer(nh, nh, 3, stride), conv_layer(nh, nf, 1, zero_bn=True, act=False)]
        self.convs = nn.Sequential(*layers)
        self.idconv = conv_layer(ni, nf, 1, act=False) if ni != nf else None
        self.pool = nn.AvgPool2d(2, ceil_mode=True) if stride != 1 else None

    def forward(self, x):
        pooled = self.pool(x) if self.pool is not None else x
        return (self.convs(x) + (self.idconv(pooled) if self.idconv is not None else pooled)).relu()


def xresnet(expansion, layers, c_in=3, c_out=1000):
    """ember::models::xresnet: the course's XResNet as an nn.Sequential."""
    stem_widths = [c_in, (c_in + 1) * 8, 64, 64]
    stem = [conv_layer(stem_widths[i], stem_widths[i + 1], stride=2 if i == 0 else 1) for i in range(3)]
    widths = [64 // expansion, 64, 128, 256, 512]
    while len(widths) < len(layers) + 1:
        widths.append(widths[-1] * 2)
    stages = [nn.Sequential(*[ResBlock(expansion, widths[i] if b == 0 else widths[i + 1], widths[i + 1],
                                       2 if b == 0 and i > 0 else 1) for b in range(n)]) for i, n in enumerate(layers)]
    net = nn.Sequential(*stem, nn.MaxPool2d(3, stride=2, padding=1), *stages, nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                        nn.Linear(widths[len(layers)] * expansion, c_out))
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight)
            if m.bias is not None:
                m.bias.data.zero_()
    return net


def xresnet18(c_in=3, c_out=1000):
    return xresnet(1, [2, 2, 2, 2], c_in, c_out)


def bn_cnn(c_in=1, classes=10, widths=(8, 16, 32, 64, 64)):
    """ember::models::bn_cnn: the course's notebook-07 CNN."""
    layers, ni = [], c_in
    for i, nf in enumerate(widths):
        ks = 5 if i == 0 else 3
        layers += [nn.Conv2d(ni, nf, ks, stride=2, padding=ks // 2, bias=False), nn.ReLU(), nn.BatchNorm2d(nf)]
        ni = nf
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(ni, classes))
