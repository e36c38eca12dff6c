import sharp from 'sharp';
await sharp('/tmp/scan2.png').extract({ left: 0, top: 5200, width: 1000, height: 1900 }).toFile('/tmp/crop1.png');
